# Holds text from pytorch/examples: word_language_model/main.py, data.py, model.py and
# generate.py, time_sequence_prediction/train.py, continuous-bag-of-words/cbow.py. The files
# and their licence (BSD 3-Clause): tests/THIRD_PARTY_NOTICES.md.
"""pytorch/examples' text and sequence programs run under minigrad with only the import changed.

Each program is kept as PyTorch source, as upstream writes it, with only what cannot run here
replaced: the corpus is a small synthetic one written to files, argparse's arguments are an
``argparse.Namespace`` of constants, the device is the CPU, and the runs are short. The harness
(``run``, ``compare_with_torch``...) is ``test_pytorch_compat``'s: each program trains under
minigrad and passes a check that can fail, and, when torch is installed, gives torch's losses
from the same start.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_pytorch_compat import assert_converges, compare_with_torch, run

# ---------------------------------------------------------------------------------------------
# word_language_model: main.py (an LSTM, GRU or plain RNN language model: nn.Embedding,
# nn.Dropout, the recurrent net and a Linear decoder, optionally tied to the embedding;
# NLLLoss of log_softmax, clip_grad_norm_ and a hand-written update p.data.add_(p.grad,
# alpha=-lr), lr annealed when the validation loss does not improve, the best model saved and
# reloaded) then generate.py (words sampled with torch.multinomial). data.py and model.py are
# inlined (the Transformer variant of model.py is left out: the transformer language model of
# test_pytorch_compat covers it). The best model is saved as its state dict
# (torch.save(model.state_dict(), f)), where upstream pickles the model object, which minigrad
# refuses by design (docs/checkpoints.md). A list of the batch losses and of the validation
# losses is added.

WORD_LANGUAGE_MODEL = '''
import argparse
import time
import math
import os
from io import open
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.onnx

# data.py
class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):
    def __init__(self, path):
        self.dictionary = Dictionary()
        self.train = self.tokenize(os.path.join(path, 'train.txt'))
        self.valid = self.tokenize(os.path.join(path, 'valid.txt'))
        self.test = self.tokenize(os.path.join(path, 'test.txt'))

    def tokenize(self, path):
        """Tokenizes a text file."""
        assert os.path.exists(path)
        # Add words to the dictionary
        with open(path, 'r', encoding="utf8") as f:
            for line in f:
                words = line.split() + ['<eos>']
                for word in words:
                    self.dictionary.add_word(word)

        # Tokenize file content
        with open(path, 'r', encoding="utf8") as f:
            idss = []
            for line in f:
                words = line.split() + ['<eos>']
                ids = []
                for word in words:
                    ids.append(self.dictionary.word2idx[word])
                idss.append(torch.tensor(ids).type(torch.int64))
            ids = torch.cat(idss)

        return ids

# model.py
class RNNModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super(RNNModel, self).__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ['LSTM', 'GRU']:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            try:
                nonlinearity = {'RNN_TANH': 'tanh', 'RNN_RELU': 'relu'}[rnn_type]
            except KeyError as e:
                raise ValueError( """An invalid option for `--model` was supplied,
                                 options are ['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU']""") from e
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)

        if tie_weights:
            if nhid != ninp:
                raise ValueError('When using the tied flag, nhid must be equal to emsize')
            self.decoder.weight = self.encoder.weight

        self.init_weights()

        self.rnn_type = rnn_type
        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        nn.init.uniform_(self.encoder.weight, -initrange, initrange)
        nn.init.zeros_(self.decoder.bias)
        nn.init.uniform_(self.decoder.weight, -initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        decoded = decoded.view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == 'LSTM':
            return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                    weight.new_zeros(self.nlayers, bsz, self.nhid))
        else:
            return weight.new_zeros(self.nlayers, bsz, self.nhid)

# main.py
args = argparse.Namespace(data=data_dir, model=rnn_type, emsize=32, nhid=32, nlayers=2, lr=20,
                          clip=0.25, epochs=3, batch_size=4, bptt=8, dropout=0.2, tied=tied,
                          seed=1111, cuda=False, mps=False, log_interval=4, save='model.pt',
                          onnx_export='', nhead=2, dry_run=False, outf='generated.txt',
                          words=40, temperature=1.0)

torch.manual_seed(args.seed)
if torch.cuda.is_available():
    if not args.cuda:
        print("WARNING: You have a CUDA device, so you should probably run with --cuda.")

device = torch.device("cuda" if args.cuda else "cpu")

corpus = Corpus(args.data)

def batchify(data, bsz):
    # Work out how cleanly we can divide the dataset into bsz parts.
    nbatch = data.size(0) // bsz
    # Trim off any extra elements that wouldn't cleanly fit (remainders).
    data = data.narrow(0, 0, nbatch * bsz)
    # Evenly divide the data across the bsz batches.
    data = data.view(bsz, -1).t().contiguous()
    return data.to(device)

eval_batch_size = 10
train_data = batchify(corpus.train, args.batch_size)
val_data = batchify(corpus.valid, eval_batch_size)
test_data = batchify(corpus.test, eval_batch_size)

ntokens = len(corpus.dictionary)
model = RNNModel(args.model, ntokens, args.emsize, args.nhid, args.nlayers, args.dropout,
                 args.tied).to(device)

criterion = nn.NLLLoss()

def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""

    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


def get_batch(source, i):
    seq_len = min(args.bptt, len(source) - 1 - i)
    data = source[i:i+seq_len]
    target = source[i+1:i+1+seq_len].view(-1)
    return data, target


def evaluate(data_source):
    # Turn on evaluation mode which disables dropout.
    model.eval()
    total_loss = 0.
    ntokens = len(corpus.dictionary)
    if args.model != 'Transformer':
        hidden = model.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, args.bptt):
            data, targets = get_batch(data_source, i)
            if args.model == 'Transformer':
                output = model(data)
                output = output.view(-1, ntokens)
            else:
                output, hidden = model(data, hidden)
                hidden = repackage_hidden(hidden)
            total_loss += len(data) * criterion(output, targets).item()
    return total_loss / (len(data_source) - 1)


def train():
    # Turn on training mode which enables dropout.
    model.train()
    total_loss = 0.
    start_time = time.time()
    ntokens = len(corpus.dictionary)
    if args.model != 'Transformer':
        hidden = model.init_hidden(args.batch_size)
    for batch, i in enumerate(range(0, train_data.size(0) - 1, args.bptt)):
        data, targets = get_batch(train_data, i)
        # Starting each batch, we detach the hidden state from how it was previously produced.
        # If we didn't, the model would try backpropagating all the way to start of the dataset.
        model.zero_grad()
        if args.model == 'Transformer':
            output = model(data)
            output = output.view(-1, ntokens)
        else:
            hidden = repackage_hidden(hidden)
            output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        loss.backward()

        # `clip_grad_norm` helps prevent the exploding gradient problem in RNNs / LSTMs.
        torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)

        total_loss += loss.item()
        losses.append(loss.item())

        if batch % args.log_interval == 0 and batch > 0:
            cur_loss = total_loss / args.log_interval
            elapsed = time.time() - start_time
            print('| epoch {:3d} | {:5d}/{:5d} batches | lr {:02.2f} | ms/batch {:5.2f} | '
                    'loss {:5.2f} | ppl {:8.2f}'.format(
                epoch, batch, len(train_data) // args.bptt, lr,
                elapsed * 1000 / args.log_interval, cur_loss, math.exp(cur_loss)))
            total_loss = 0
            start_time = time.time()
        if args.dry_run:
            break


# Loop over epochs.
lr = args.lr
best_val_loss = None
losses = []
val_losses = []

# At any point you can hit Ctrl + C to break out of training early.
try:
    for epoch in range(1, args.epochs+1):
        epoch_start_time = time.time()
        train()
        val_loss = evaluate(val_data)
        val_losses.append(val_loss)
        print('-' * 89)
        print('| end of epoch {:3d} | time: {:5.2f}s | valid loss {:5.2f} | '
                'valid ppl {:8.2f}'.format(epoch, (time.time() - epoch_start_time),
                                           val_loss, math.exp(val_loss)))
        print('-' * 89)
        # Save the model if the validation loss is the best we've seen so far.
        if not best_val_loss or val_loss < best_val_loss:
            with open(args.save, 'wb') as f:
                torch.save(model.state_dict(), f)
            best_val_loss = val_loss
        else:
            # Anneal the learning rate if no improvement has been seen in the validation dataset.
            lr /= 4.0
except KeyboardInterrupt:
    print('-' * 89)
    print('Exiting from training early')

# Load the best saved model.
with open(args.save, 'rb') as f:
    model.load_state_dict(torch.load(f))
    # after load the rnn params are not a continuous chunk of memory
    # this makes them a continuous chunk, and will speed up forward pass
    # Currently, only rnn model supports flatten_parameters function.
    if args.model in ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU']:
        model.rnn.flatten_parameters()

# Run on test data.
test_loss = evaluate(test_data)
print('=' * 89)
print('| End of training | test loss {:5.2f} | test ppl {:8.2f}'.format(
    test_loss, math.exp(test_loss)))
print('=' * 89)

# generate.py: words sampled from the trained model
model.eval()
hidden = model.init_hidden(1)
input = torch.randint(ntokens, (1, 1), dtype=torch.long).to(device)

with open(args.outf, 'w') as outf:
    with torch.no_grad():  # no tracking history
        for i in range(args.words):
            output, hidden = model(input, hidden)
            word_weights = output.squeeze().div(args.temperature).exp().cpu()
            word_idx = torch.multinomial(word_weights, 1)[0]
            input.fill_(word_idx)

            word = corpus.dictionary.idx2word[word_idx]

            outf.write(word + ('\\n' if i % 20 == 19 else ' '))

            if i % args.log_interval == 0:
                print('| Generated {}/{} words'.format(i, args.words))
'''


SUBJECTS = ("the cat", "a dog", "the bird", "my friend")
VERBS = ("sees", "likes", "chases", "finds")
OBJECTS = ("the ball", "a fish", "the tree", "some food")


def _sentences(rng: random.Random, n: int) -> list[str]:
    """Sentences of a small grammar: a language model can learn which word may follow."""
    return [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ." for _ in range(n)]


def _corpus(directory: Path) -> dict[str, Any]:
    """train.txt, valid.txt and test.txt as word_language_model/data.py reads them."""
    rng = random.Random(0)
    for name, n in (("train.txt", 300), ("valid.txt", 20), ("test.txt", 20)):
        (directory / name).write_text(" " + " \n ".join(_sentences(rng, n)) + " \n")
    return {"data_dir": str(directory)}


def test_word_language_model_trains_and_generates(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)  # where it saves model.pt and generated.txt
    ns = run(WORD_LANGUAGE_MODEL, **_corpus(tmp_path), rnn_type="LSTM", tied=False)
    losses, val_losses = ns["losses"], ns["val_losses"]
    assert_converges([sum(losses[:10]), sum(losses[-10:])], 2)
    assert val_losses[-1] < 0.6 * val_losses[0]
    assert ns["test_loss"] == pytest.approx(min(val_losses), rel=0.2)  # the best model, reloaded
    # the sampled text follows the grammar: almost every pair of words is one seen in training
    train_words = (tmp_path / "train.txt").read_text().replace("\n", " <eos> ").split()
    seen = set(itertools.pairwise(train_words))
    words = (tmp_path / "generated.txt").read_text().split()
    assert len(words) == 40
    pairs = list(itertools.pairwise(words))
    assert sum(pair in seen for pair in pairs) >= 0.8 * len(pairs)


@pytest.mark.parametrize(
    "rnn_type,tied", [("LSTM", False), ("GRU", True), ("RNN_TANH", False), ("RNN_RELU", True)]
)
def test_word_language_model_matches_torch(
    rnn_type: str, tied: bool, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    # dropout 0: the recurrent nets' own dropout between layers draws masks of its own; lr 2:
    # from the comparison's start, lr 20 makes the plain RNN chaotic (rounding differences of
    # 1e-16 grow tenfold a step, to different losses after 20 steps in either library); two
    # epochs (time)
    source = WORD_LANGUAGE_MODEL.replace("dropout=0.2", "dropout=0.0").replace("lr=20,", "lr=2,")
    source = source.replace("epochs=3,", "epochs=2,")
    assert "dropout=0.0" in source and "lr=2," in source and "epochs=2," in source
    compare_with_torch(source, **_corpus(tmp_path), rnn_type=rnn_type, tied=tied)


# ---------------------------------------------------------------------------------------------
# time_sequence_prediction/train.py: two nn.LSTMCell stepped by hand over sine waves
# (input.split(1, dim=1)), a Linear read-out, a model made .double(), MSELoss, optim.LBFGS with a
# closure, then predictions of the future under no_grad and their plots (matplotlib, Agg).
# generate_sine_wave.py's data, pickled by torch.save there, is passed in as the array; the
# waves are 30 steps long instead of 999, with 40 steps of future instead of 1000, and the run
# takes `steps` LBFGS steps instead of 15. Lists of the losses are added.

TIME_SEQUENCE_PREDICTION = """
from __future__ import print_function
import argparse
import torch
import torch.nn as nn
import torch.optim as optim
import numpy as np
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt

class Sequence(nn.Module):
    def __init__(self):
        super(Sequence, self).__init__()
        self.lstm1 = nn.LSTMCell(1, 51)
        self.lstm2 = nn.LSTMCell(51, 51)
        self.linear = nn.Linear(51, 1)
        self.dummy_param = nn.Parameter(torch.empty(0))

    def forward(self, input, future = 0):
        outputs = []
        device = self.dummy_param.device
        h_t = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)
        c_t = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)
        h_t2 = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)
        c_t2 = torch.zeros(input.size(0), 51, dtype=torch.double).to(device)

        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):# if we should predict the future
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        outputs = torch.cat(outputs, dim=1)
        return outputs


if __name__ == '__main__':
    opt = argparse.Namespace(steps=steps, device='cpu')
    # training device
    device_name = opt.device
    if device_name == 'cuda' and not torch.cuda.is_available():
        print('cuda is not available')
        exit(-1)
    elif device_name == 'mps' and not torch.backends.mps.is_available():
        print('mps is not available')
        exit(-1)
    device = torch.device(device_name)
    # set random seed to 0
    np.random.seed(0)
    torch.manual_seed(0)
    # load data and make training set
    data = torch.from_numpy(traindata).to(device)
    input = data[3:, :-1]
    target = data[3:, 1:]
    test_input = data[:3, :-1]
    test_target = data[:3, 1:]
    # build the model
    seq = Sequence().to(device).double()
    criterion = nn.MSELoss().to(device)
    # use LBFGS as optimizer since we can load the whole data to train
    optimizer = optim.LBFGS(seq.parameters(), lr=0.8)
    losses = []
    test_losses = []
    #begin to train
    for i in range(opt.steps):
        print('STEP: ', i)
        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            print('loss:', loss.item())
            losses.append(loss.item())
            loss.backward()
            return loss
        optimizer.step(closure)
        # begin to predict, no need to track gradient here
        with torch.no_grad():
            future = 40
            pred = seq(test_input, future=future)
            loss = criterion(pred[:, :-future], test_target)
            print('test loss:', loss.item())
            test_losses.append(loss.item())
            y = pred.cpu().detach().numpy()
        # draw the result
        plt.figure(figsize=(30,10))
        plt.title('Predict future values for time sequences\\n'
                  '(Dashlines are predicted values)', fontsize=30)
        plt.xlabel('x', fontsize=20)
        plt.ylabel('y', fontsize=20)
        plt.xticks(fontsize=20)
        plt.yticks(fontsize=20)
        def draw(yi, color):
            plt.plot(np.arange(input.size(1)), yi[:input.size(1)], color, linewidth = 2.0)
            plt.plot(np.arange(input.size(1), input.size(1) + future), yi[input.size(1):],
                     color + ':', linewidth = 2.0)
        draw(y[0], 'r')
        draw(y[1], 'g')
        draw(y[2], 'b')
        plt.savefig('predict%d.pdf'%i)
        plt.close()
"""


def _sine_waves(L: int = 31) -> np.ndarray:
    """generate_sine_wave.py's data, 8 waves of L steps."""
    rs = np.random.RandomState(2)
    T, N = 20, 8
    x = np.empty((N, L), "int64")
    x[:] = np.array(range(L)) + rs.randint(-4 * T, 4 * T, N).reshape(N, 1)
    return np.sin(x / 1.0 / T).astype("float64")


def test_time_sequence_prediction_trains(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)  # where it saves its plots
    ns = run(TIME_SEQUENCE_PREDICTION, __name__="__main__", traindata=_sine_waves(), steps=2)
    assert len(ns["losses"]) > 20  # LBFGS called the closure many times a step
    assert_converges(ns["losses"], 100)
    assert ns["test_losses"][-1] < 0.01
    assert ns["y"].shape == (3, 30 + 40)
    assert np.abs(ns["y"][:, -40:]).max() < 2  # the future predicted, within the waves' range
    assert sorted(p.name for p in tmp_path.glob("predict*.pdf")) == ["predict0.pdf", "predict1.pdf"]


def test_time_sequence_prediction_matches_torch(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    # the same start: the model's parameters drawn from one stream for both libraries
    source = TIME_SEQUENCE_PREDICTION.replace(
        "    criterion = nn.MSELoss()",
        "    _start_parameters(seq, bound=0.1)\n    criterion = nn.MSELoss()",
    )
    assert "_start_parameters(seq" in source
    source = source[: source.index("        # draw the result")]  # (no plots: time)
    compare_with_torch(source, __name__="__main__", traindata=_sine_waves(16), steps=1)


# ---------------------------------------------------------------------------------------------
# continuous-bag-of-words/cbow.py: CBOW (nn.Embedding summed by Python's sum over the context
# words, two Linear layers, nn.ReLU, nn.LogSoftmax), NLLLoss and SGD, one context at a time,
# tensors wrapped in the legacy Variable, the loss accumulated through loss.data, the
# prediction read from model(...).data.numpy(). As written; a list of each epoch's total loss
# is added.

CBOW = '''
import torch
from torch.autograd import Variable
import torch.nn as nn
import numpy as np

def make_context_vector(context, word_to_ix):
    idxs = [word_to_ix[w] for w in context]
    tensor = torch.LongTensor(idxs)
    return Variable(tensor)

def get_index_of_max(input):
    index = 0
    for i in range(1, len(input)):
        if input[i] > input[index]:
            index = i
    return index

def get_max_prob_result(input, ix_to_word):
    return ix_to_word[get_index_of_max(input)]


CONTEXT_SIZE = 2  # 2 words to the left, 2 to the right
EMDEDDING_DIM = 100

word_to_ix = {}
ix_to_word = {}

raw_text = """We are about to study the idea of a computational process.
Computational processes are abstract beings that inhabit computers.
As they evolve, processes manipulate other abstract things called data.
The evolution of a process is directed by a pattern of rules
called a program. People create programs to direct processes. In effect,
we conjure the spirits of the computer with our spells.""".split()


# By deriving a set from `raw_text`, we deduplicate the array
vocab = set(raw_text)
vocab_size = len(vocab)

for i, word in enumerate(vocab):
    word_to_ix[word] = i
    ix_to_word[i] = word

data = []
for i in range(2, len(raw_text) - 2):
    context = [raw_text[i - 2], raw_text[i - 1],
               raw_text[i + 1], raw_text[i + 2]]
    target = raw_text[i]
    data.append((context, target))



class CBOW(torch.nn.Module):

    def __init__(self, vocab_size, embedding_dim):
        super(CBOW, self).__init__()

        #out: 1 x emdedding_dim
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)

        self.linear1 = nn.Linear(embedding_dim, 128)

        self.activation_function1 = nn.ReLU()

        #out: 1 x vocab_size
        self.linear2 = nn.Linear(128, vocab_size)

        self.activation_function2 = nn.LogSoftmax(dim = -1)


    def forward(self, inputs):
        embeds = sum(self.embeddings(inputs)).view(1,-1)
        out = self.linear1(embeds)
        out = self.activation_function1(out)
        out = self.linear2(out)
        out = self.activation_function2(out)
        return out

    def get_word_emdedding(self, word):
        word = Variable(torch.LongTensor([word_to_ix[word]]))
        return self.embeddings(word).view(1,-1)


model = CBOW(vocab_size, EMDEDDING_DIM)

loss_function = nn.NLLLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.001)

losses = []

for epoch in range(50):
    total_loss = 0
    for context, target in data:
        context_vector = make_context_vector(context, word_to_ix)
        model.zero_grad()
        log_probs = model(context_vector)
        loss = loss_function(log_probs, Variable(
            torch.LongTensor([word_to_ix[target]])))
        loss.backward()
        optimizer.step()

        total_loss += loss.data
    losses.append(float(total_loss))

# ====================== TEST
context = ['People','create','to', 'direct']
context_vector = make_context_vector(context, word_to_ix)
a = model(context_vector).data.numpy()
print('Raw text: {}\\n'.format(' '.join(raw_text)))
print('Context: {}\\n'.format(context))
print('Prediction: {}'.format(get_max_prob_result(a[0], ix_to_word)))
'''


def test_cbow_trains_and_predicts() -> None:
    ns = run(CBOW)
    assert_converges(ns["losses"], 5)
    assert ns["a"].shape == (1, ns["vocab_size"])
    # "People create ___ to direct": the word the text has there
    assert ns["get_max_prob_result"](ns["a"][0], ns["ix_to_word"]) == "programs"


def test_cbow_matches_torch() -> None:
    source = CBOW.replace("range(50)", "range(10)")  # ten epochs (time)
    assert "range(10)" in source
    compare_with_torch(source)
