#!/usr/bin/python3
"""The Python peer of the performance suite: the same-sized encoder classifier in PyTorch eager on
the CPU, as a Python Lambda function would run it, timed the way the suite times the Java side.

The model is what a PyTorch user would write: token and position embeddings, pre-LN
nn.TransformerEncoderLayer blocks (GELU), a final LayerNorm, mean pooling over real tokens and a
linear head. Weights are random: the time of a forward pass does not depend on their values.
Inputs are token id lists of the lengths the Java tokenizer produced, so both sides see the same
shapes. Prints one JSON object per measurement.

    /usr/bin/python3 scripts/pytorch-peer.py --threads 2 --latency 7,22,64 --batches 1,8,32,64 \
        --batch-length 22 --train-batch 32 --train-lengths 23,19,31,...
"""
import argparse
import json
import os
import statistics
import time

import torch
from torch import nn


class EncoderClassifier(nn.Module):
    def __init__(self, vocabulary, width, layers, heads, ffn, max_length, classes, dropout):
        super().__init__()
        self.tokens = nn.Embedding(vocabulary, width)
        self.positions = nn.Embedding(max_length, width)
        layer = nn.TransformerEncoderLayer(width, heads, ffn, dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, ids, mask):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        hidden = self.tokens(ids) + self.positions(positions)
        hidden = self.norm(self.encoder(hidden, src_key_padding_mask=mask == 0))
        weights = mask.unsqueeze(2).to(hidden.dtype)
        return self.head((hidden * weights).sum(1) / weights.sum(1))


def blas_in_use():
    """The BLAS library this process resolved, after a matrix product has loaded it.

    Debian's python3-torch links libblas.so.3, whichever implementation the alternatives system
    points it at: netlib's reference BLAS (several times slower) unless OpenBLAS is installed.
    """
    torch.ones(64, 64) @ torch.ones(64, 64)
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    libraries = sorted({os.path.realpath(path) for path in paths})
    if any("openblas" in path for path in libraries):
        kind = "openblas"
    elif any("mkl" in path for path in libraries):
        kind = "mkl"
    elif any("/blas/" in path or path.endswith("libblas.so.3.11.0") for path in libraries):
        kind = "reference"
    else:
        kind = "unknown"
    return kind, libraries


def batch_of(size, length, vocabulary):
    ids = [[(i * 7919 + j * 104729) % (vocabulary - 5) + 5 for j in range(length)] for i in range(size)]
    mask = [[1] * length for _ in range(size)]
    return ids, mask


def predict(model, ids, mask):
    """One request's work after tokenization: tensors from lists, forward, softmax, back to lists."""
    with torch.inference_mode():
        logits = model(torch.tensor(ids), torch.tensor(mask))
        return logits.softmax(-1).tolist()


def timed(repeats, work):
    nanos = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        work()
        nanos.append(time.perf_counter_ns() - start)
    return sorted(nanos)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--vocabulary", type=int, default=8000)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--ffn", type=int, default=256)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--latency", default="7,22,64", help="token lengths of single texts to time")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--batches", default="1,8,32,64", help="texts per request for throughput")
    parser.add_argument("--batch-length", type=int, default=22)
    parser.add_argument("--batch-texts", type=int, default=4096, help="texts per throughput measurement")
    parser.add_argument("--train-batch", type=int, default=32)
    parser.add_argument("--check-blas", action="store_true",
                        help="only say which BLAS the peer would use; fail on the reference BLAS")
    parser.add_argument("--train-lengths", default="22," * 199 + "22",
                        help="padded token length of each training batch, in order (one epoch)")
    args = parser.parse_args()

    blas, libraries = blas_in_use()
    if blas == "reference":
        # Its figures would flatter every comparison against it: refuse before measuring anything.
        raise SystemExit("the PyTorch peer would run on the reference BLAS (" + ", ".join(libraries) + "), several"
                         " times slower than an optimized one; install OpenBLAS: apt-get install libopenblas0-pthread")
    tuning = {name: os.environ[name] for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                                                  "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
              if name in os.environ}
    peer = {"peer": f"PyTorch {torch.__version__} eager, {args.threads} threads", "blas": blas,
            "blas_libraries": libraries, "blas_environment": tuning}
    if args.check_blas:
        print(json.dumps(peer))
        return

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = EncoderClassifier(args.vocabulary, args.width, args.layers, args.heads, args.ffn,
                              args.max_length, args.classes, args.dropout)
    print(json.dumps(peer), flush=True)

    model.eval()
    for length in map(int, args.latency.split(",")):
        ids, mask = batch_of(1, length, args.vocabulary)
        timed(200, lambda: predict(model, ids, mask))
        nanos = timed(args.requests, lambda: predict(model, ids, mask))
        print(json.dumps({"latency_tokens": length, "median_ms": statistics.median(nanos) / 1e6,
                          "p99_ms": nanos[int(len(nanos) * 0.99) - 1] / 1e6}), flush=True)

    for size in map(int, args.batches.split(",")):
        ids, mask = batch_of(size, args.batch_length, args.vocabulary)
        timed(20, lambda: predict(model, ids, mask))
        repeats = max(10, args.batch_texts // size)
        nanos = timed(repeats, lambda: predict(model, ids, mask))
        print(json.dumps({"batch": size, "sentences_per_s": size * repeats / (sum(nanos) / 1e9)}), flush=True)

    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    loss = nn.CrossEntropyLoss()
    labels = torch.arange(args.train_batch) % args.classes
    batches = [tuple(map(torch.tensor, batch_of(args.train_batch, length, args.vocabulary)))
               for length in map(int, args.train_lengths.split(","))]
    # One epoch timed whole, first steps included, as the Java trainer's progress line counts it.
    start = time.perf_counter_ns()
    for ids, mask in batches:
        optimizer.zero_grad()
        loss(model(ids, mask), labels).backward()
        optimizer.step()
    seconds = (time.perf_counter_ns() - start) / 1e9
    print(json.dumps({"train_batch": args.train_batch, "train_steps": len(batches),
                      "sentences_per_s": args.train_batch * len(batches) / seconds}), flush=True)

if __name__ == "__main__":
    main()
