#!/usr/bin/env python3
"""Export a PyTorch model to ONNX for `wafersim run --model FILE.onnx`.

Uses PyTorch and torchvision from Debian (apt-get install python3-torch python3-torchvision).
Weights are random (no download): wafersim only needs the shapes. The batch dimension is
exported as symbolic, so the simulator treats every op as per sample.

  python3 scripts/export_onnx.py resnet50 --out resnet50.onnx
  python3 scripts/export_onnx.py transformer --out tiny_transformer.onnx --seq 128
  python3 scripts/export_onnx.py --list
"""
import argparse
import sys


class TinyTransformer:
    """Built lazily so --help works without PyTorch."""

    @staticmethod
    def make(layers, hidden, heads, vocab, seq):
        import torch
        from torch import nn

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.ln1 = nn.LayerNorm(hidden)
                self.qkv = nn.Linear(hidden, 3 * hidden)
                self.proj = nn.Linear(hidden, hidden)
                self.ln2 = nn.LayerNorm(hidden)
                self.fc1 = nn.Linear(hidden, 4 * hidden)
                self.fc2 = nn.Linear(4 * hidden, hidden)

            def forward(self, x):
                b, s, h = x.shape
                q, k, v = self.qkv(self.ln1(x)).split(h, dim=-1)
                hd = h // heads
                q = q.reshape(b, s, heads, hd).transpose(1, 2)
                k = k.reshape(b, s, heads, hd).transpose(1, 2)
                v = v.reshape(b, s, heads, hd).transpose(1, 2)
                att = torch.softmax(q @ k.transpose(-2, -1) / hd ** 0.5, dim=-1)
                y = (att @ v).transpose(1, 2).reshape(b, s, h)
                x = x + self.proj(y)
                return x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(vocab, hidden)
                self.pos = nn.Parameter(torch.zeros(1, seq, hidden))
                self.blocks = nn.ModuleList(Block() for _ in range(layers))
                self.ln = nn.LayerNorm(hidden)
                self.head = nn.Linear(hidden, vocab, bias=False)

            def forward(self, ids):
                x = self.tok(ids) + self.pos
                for blk in self.blocks:
                    x = blk(x)
                return self.head(self.ln(x))

        return Model()


def build(name, args):
    import torch
    if name == "transformer":
        model = TinyTransformer.make(args.layers, args.hidden, args.heads, args.vocab, args.seq)
        return model, torch.zeros(1, args.seq, dtype=torch.long), "ids"
    import torchvision.models as tvm
    ctor = getattr(tvm, name, None)
    if ctor is None or not callable(ctor):
        sys.exit(f"export_onnx: unknown model '{name}' (try --list)")
    try:
        model = ctor(weights=None)
    except TypeError:  # older torchvision
        model = ctor(pretrained=False)
    size = 299 if name.startswith("inception") else 224
    return model, torch.randn(1, 3, size, size), "image"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", nargs="?", help="torchvision model name (resnet50, vgg16, ...) or 'transformer'")
    p.add_argument("--out", help="output .onnx file (default: MODEL.onnx)")
    p.add_argument("--opset", type=int, default=14)
    p.add_argument("--list", action="store_true", help="list the torchvision model names")
    p.add_argument("--layers", type=int, default=2, help="transformer: blocks")
    p.add_argument("--hidden", type=int, default=256, help="transformer: hidden size")
    p.add_argument("--heads", type=int, default=4, help="transformer: attention heads")
    p.add_argument("--vocab", type=int, default=1000, help="transformer: vocabulary")
    p.add_argument("--seq", type=int, default=128, help="transformer: sequence length")
    args = p.parse_args()
    try:
        import torch
    except ImportError:
        sys.exit("export_onnx: PyTorch is missing; apt-get install python3-torch python3-torchvision "
                 "and run with Debian's /usr/bin/python3")
    if args.list:
        import torchvision.models as tvm
        print("\n".join(sorted(n for n in dir(tvm) if n[0].islower() and callable(getattr(tvm, n)))))
        return
    if not args.model:
        p.error("name a model (or --list)")
    model, example, input_name = build(args.model, args)
    # Training mode keeps BatchNormalization and Dropout as ops (eval mode folds BN into the
    # convolutions), so the graph is the one that trains.
    model.train()
    out = args.out or f"{args.model}.onnx"
    torch.onnx.export(model, example, out, opset_version=args.opset, input_names=[input_name],
                      output_names=["output"], dynamic_axes={input_name: {0: "batch"}, "output": {0: "batch"}},
                      training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)
    print(f"export_onnx: wrote {out}")


if __name__ == "__main__":
    main()
