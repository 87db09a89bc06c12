"""``SummaryWriter``: PyTorch's ``torch.utils.tensorboard.SummaryWriter``, writing TensorBoard's
event files through tensorboardX's ``EventsWriter`` (imported when a writer is made).

Methods, signatures, defaults and directory layout are PyTorch's (``runs/<date>_<host><comment>``,
``add_scalars``' runs ``<log_dir>/<main_tag>_<tag>``, ``add_hparams``' run ``<log_dir>/<time>``,
embeddings under ``<log_dir>/<step>/<tag>``). Values may be minigrad tensors (one that requires
grad is logged as its values), NumPy arrays or Python numbers, wherever PyTorch takes a tensor.
Every argument is checked before anything is written.
"""

from __future__ import annotations

import atexit
import itertools
import os
import time
from typing import Any

from . import summary as S
from .model_graph import graph

# PyTorch's SummaryWriter methods this one does not have, with what to do instead.
_NOT_HERE = {
    "add_video": "videos need moviepy; log frames with add_images",
    "add_audio": "log the waveform with add_histogram or save it as a file",
    "add_mesh": "log the vertices with add_embedding or add_histogram",
    "add_onnx_graph": "export with minigrad.onnx.export and open the file in Netron, or use "
    "add_graph",
    "add_image_with_boxes": "draw the boxes into the image first, then add_image",
    "add_tensor": "log the values with add_histogram or add_text",
    "add_pr_curve_raw": "use add_pr_curve with the labels and predictions",
}


_FILE_NUMBERS = itertools.count()  # <n> of the file names: unique within the process


class FileWriter:
    """One event file in ``log_dir``, written as PyTorch's ``FileWriter`` writes it.

    tensorboardX's ``EventsWriter`` frames each record (TFRecord: lengths and CRCs) and writes
    the version record first; the file is named as PyTorch's are,
    ``events.out.tfevents.<time>.<host>.<pid>.<n><filename_suffix>``, so that files opened in
    the same second (reopened after ``close()``) are different files. Records
    are written as they come and reach the disk when ``max_queue`` of them wait, when
    ``flush_secs`` have passed since the last flush, on ``flush()``, ``close()`` and at exit.
    (tensorboardX's own ``FileWriter`` queues records to a thread whose ``flush()`` does not
    wait for the queue: PyTorch's ``flush()`` promises they are on disk when it returns.)
    """

    def __init__(
        self, log_dir: str, max_queue: int = 10, flush_secs: float = 120, filename_suffix: str = ""
    ) -> None:
        os.makedirs(log_dir, exist_ok=True)
        self.log_dir = log_dir
        self.max_queue, self.flush_secs = max_queue, flush_secs
        events_writer = S.tensorboardx("event_file_writer").EventsWriter
        unique = f".{os.getpid()}.{next(_FILE_NUMBERS)}{filename_suffix}"
        self._events = events_writer(os.path.join(log_dir, "events"), unique)
        self._event_pb2 = S.tensorboardx("proto.event_pb2")
        self._pending = 0
        self._next_flush = time.time() + flush_secs
        self._closed = False
        atexit.register(self.close)

    def get_logdir(self) -> str:
        """The directory of the event file."""
        return self.log_dir

    def add_event(self, event: Any, step: Any = None, walltime: float | None = None) -> None:
        """Write an ``Event``, dated ``walltime`` (default: now), at ``step`` if given."""
        if self._closed:
            return
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self._events.write_event(event)
        self._pending += 1
        if self._pending >= self.max_queue or time.time() >= self._next_flush:
            self.flush()

    def add_summary(
        self, summary: Any, global_step: Any = None, walltime: float | None = None
    ) -> None:
        """Write a ``Summary`` as an ``Event``."""
        self.add_event(self._event_pb2.Event(summary=summary), global_step, walltime)

    def flush(self) -> None:
        """Write the pending records to disk."""
        if not self._closed:
            self._events.flush()
            self._pending = 0
            self._next_flush = time.time() + self.flush_secs

    def close(self) -> None:
        """Flush and close the file (a second ``close`` does nothing)."""
        if not self._closed:
            self._events.close()
            self._closed = True
            atexit.unregister(self.close)


class SummaryWriter:
    """Writes entries to event files in ``log_dir`` for TensorBoard to read.

    As PyTorch's, entries reach the disk when ``max_queue`` of them wait, every ``flush_secs``
    seconds (checked at each entry), on ``flush()``, ``close()`` and at exit. After ``close()``
    a further ``add_*`` opens a new event file in the same directory.

    Args:
        log_dir: where to write; default ``runs/<Mon DD_HH-MM-SS>_<hostname><comment>``.
        comment: appended to the default ``log_dir`` (ignored when ``log_dir`` is given).
        purge_step: on resuming at step T after a crash at T + X, events of step >= T in
            earlier files are hidden by TensorBoard.
        max_queue: entries kept before one of the ``add_*`` calls forces a flush.
        flush_secs: how often, in seconds, pending entries are written.
        filename_suffix: appended to every event file's name.

    Raises:
        ImportError: if tensorboardX is missing (``pip install tensorboardX``).
    """

    def __init__(
        self,
        log_dir: str | os.PathLike[str] | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        S.tensorboardx()  # (the clear ImportError before any directory is made)
        if not log_dir:
            import socket
            from datetime import datetime

            current_time = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", current_time + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer: Any = None
        self.all_writers: dict[str, Any] | None = None
        self._get_file_writer()
        # TensorBoard's default histogram buckets: ±1e-12 growing by 10% up to ±1e20, and 0
        v = 1e-12
        buckets, neg_buckets = [], []
        while v < 1e20:
            buckets.append(v)
            neg_buckets.append(-v)
            v *= 1.1
        self.default_bins = [*neg_buckets[::-1], 0, *buckets]
        self._projector_config: list[str] = []

    def _file_writer_for(self, log_dir: str) -> FileWriter:
        return FileWriter(log_dir, self.max_queue, self.flush_secs, self.filename_suffix)

    def _get_file_writer(self) -> Any:
        """The writer of ``log_dir``'s event file; a new one (and file) after ``close()``."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = self._file_writer_for(str(self.log_dir))
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                event_pb2 = S.tensorboardx("proto.event_pb2")
                step = self.purge_step
                self.file_writer.add_event(event_pb2.Event(step=step, file_version="brain.Event:2"))
                start = event_pb2.SessionLog(status=event_pb2.SessionLog.START)
                self.file_writer.add_event(event_pb2.Event(step=step, session_log=start))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str | os.PathLike[str]:
        """The directory where event files are written."""
        return self.log_dir

    def __getattr__(self, name: str) -> Any:
        if name in _NOT_HERE:
            raise AttributeError(
                f"'SummaryWriter' object has no attribute {name!r}: minigrad's SummaryWriter "
                f"does not have PyTorch's {name}; {_NOT_HERE[name]}"
            )
        raise AttributeError(f"'SummaryWriter' object has no attribute {name!r}")

    # -- scalars ------------------------------------------------------------------------------

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Log one number (a Python number, or a tensor or array of one element).

        ``new_style=True`` writes it as a tensor record (float32, or float64 with
        ``double_precision``) instead of TensorBoard's classic ``simple_value``.
        """
        summary = S.scalar(tag, scalar_value, new_style, double_precision)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log several numbers in one chart: each ``tag`` as a run ``<log_dir>/<main_tag>_<tag>``
        (a ``/`` in ``main_tag`` becomes ``_``) holding the scalar ``main_tag``."""
        values = {tag: S.scalar(main_tag, v) for tag, v in tag_scalar_dict.items()}
        walltime = time.time() if walltime is None else walltime
        fw_logdir = self._get_file_writer().get_logdir()
        assert self.all_writers is not None
        for tag, summary in values.items():
            fw_tag = fw_logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            if fw_tag not in self.all_writers:
                self.all_writers[fw_tag] = self._file_writer_for(fw_tag)
            self.all_writers[fw_tag].add_summary(summary, global_step, walltime)

    # -- distributions ------------------------------------------------------------------------

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """Log the histogram of ``values`` (any shape). ``bins="tensorflow"`` uses TensorBoard's
        default buckets (``self.default_bins``); any ``numpy.histogram`` bins work."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        summary = S.histogram(tag, values, bins, max_bins=max_bins)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_histogram_raw(
        self,
        tag: str,
        min: float,
        max: float,
        num: int,
        sum: float,
        sum_squares: float,
        bucket_limits: Any,
        bucket_counts: Any,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a histogram given by its statistics and, per bucket, upper limit and count."""
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        summary = S.histogram_raw(
            tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts
        )
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_pr_curve(
        self,
        tag: str,
        labels: Any,
        predictions: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a precision-recall curve from binary ``labels`` and ``predictions`` in [0, 1]."""
        summary = S.pr_curve(tag, labels, predictions, num_thresholds, weights)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    # -- images -------------------------------------------------------------------------------

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """Log one image: floats in [0, 1] or uint8 in [0, 255], of shape ``dataformats``
        (``CHW``, ``HWC``, ``HW``... with 1, 3 or 4 channels). Needs Pillow."""
        summary = S.image(tag, img_tensor, dataformats=dataformats)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Log a batch of images (``NCHW`` or ``NHWC``...) as one grid of up to 8 columns."""
        summary = S.image(tag, img_tensor, dataformats=dataformats)
        self._get_file_writer().add_summary(summary, global_step, walltime)

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: int | None = None,
        close: bool = True,
        walltime: float | None = None,
    ) -> None:
        """Log a matplotlib figure (or a list of them) as an image; ``close`` closes it."""
        if isinstance(figure, list):
            self.add_image(
                tag, S.figure_to_image(figure, close), global_step, walltime, dataformats="NCHW"
            )
        else:
            self.add_image(
                tag, S.figure_to_image(figure, close), global_step, walltime, dataformats="CHW"
            )

    # -- text, hyperparameters, custom charts -------------------------------------------------

    def add_text(
        self,
        tag: str,
        text_string: str,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a string (TensorBoard renders Markdown), under ``<tag>/text_summary``."""
        self._get_file_writer().add_summary(S.text(tag, text_string), global_step, walltime)

    def add_hparams(
        self,
        hparam_dict: dict[str, Any],
        metric_dict: dict[str, Any],
        hparam_domain_discrete: dict[str, list[Any]] | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
    ) -> None:
        """Log one run's hyperparameters and final metrics for TensorBoard's HParams table.

        They go to a run of their own, ``<log_dir>/<run_name>`` (default: the current time),
        with each metric also written there as a scalar.
        """
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        exp, ssi, sei = S.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if not run_name:
            run_name = str(time.time())
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name)
        with SummaryWriter(log_dir=logdir) as w_hp:
            for record in (exp, ssi, sei):
                w_hp.file_writer.add_summary(record, global_step)
            for k, v in metric_dict.items():
                w_hp.add_scalar(k, v, global_step)

    def add_custom_scalars(self, layout: dict[str, Any]) -> None:
        """Group scalar tags into charts: ``{category: {chart: ["Multiline" or "Margin",
        tags]}}`` (a margin chart takes three tags: value, lower, upper)."""
        self._get_file_writer().add_summary(S.custom_scalars(layout))

    def add_custom_scalars_multilinechart(
        self, tags: list[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """One chart of several scalar tags."""
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(
        self, tags: list[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """One chart of a value between a lower and an upper tag (three tags)."""
        if len(tags) != 3:
            raise AssertionError(f"Expected 3 tags, got {len(tags)}.")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    # -- the model and its features -----------------------------------------------------------

    def add_graph(
        self,
        model: Any,
        input_to_model: Any = None,
        verbose: bool = False,
        use_strict_trace: bool = True,
    ) -> None:
        """Log the model's graph: run once on ``input_to_model``, its recorded ops grouped by
        module (``minigrad.utils.tensorboard.model_graph`` says what is shown).

        ``verbose=True`` prints the nodes; ``use_strict_trace`` is accepted for PyTorch's
        signature and changes nothing (no TorchScript trace is made).
        """
        graph_def = graph(model, input_to_model)
        if verbose:
            print(graph_def)
        event_pb2 = S.tensorboardx("proto.event_pb2")
        event = event_pb2.Event(graph_def=graph_def.SerializeToString())
        self._get_file_writer().add_event(event)

    @staticmethod
    def _encode(rawstr: str) -> str:
        return rawstr.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")

    def add_embedding(
        self,
        mat: Any,
        metadata: Any = None,
        label_img: Any = None,
        global_step: int | None = None,
        tag: str = "default",
        metadata_header: Any = None,
    ) -> None:
        """Log points for TensorBoard's projector: ``mat`` (N, D), optional ``metadata`` (N
        labels, or rows of ``metadata_header``'s columns) and ``label_img`` (N, C, H, W).

        Written as files under ``<log_dir>/<step:05d>/<tag>`` and listed in
        ``<log_dir>/projector_config.pbtxt``.
        """
        mat = S.make_np(mat)
        images = S.make_np(label_img) if label_img is not None else None
        S.check_embedding(mat, metadata, images)
        if global_step is None:
            global_step = 0
        subdir = f"{str(global_step).zfill(5)}/{self._encode(tag)}"
        logdir = str(self._get_file_writer().get_logdir())
        save_path = os.path.join(logdir, subdir)
        if os.path.exists(save_path):
            if not os.path.isdir(save_path):
                raise NotADirectoryError(
                    f"Path: `{save_path}` exists, but is a file. Cannot proceed."
                )
            print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
        else:
            os.makedirs(save_path)
        S.write_embedding(mat, metadata, images, save_path, metadata_header)
        # the whole file rewritten from this writer's list, as PyTorch does
        self._projector_config.append(S.embedding_info(metadata, images, subdir, global_step, tag))
        with open(os.path.join(logdir, "projector_config.pbtxt"), "w") as f:
            f.write("".join(self._projector_config))

    # -- the files ----------------------------------------------------------------------------

    def flush(self) -> None:
        """Write every pending entry to disk."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()

    def close(self) -> None:
        """Flush and close the event files (a second ``close`` does nothing)."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
