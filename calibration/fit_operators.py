#!/usr/bin/env python3
"""fit_operators.py -- fit the operator cost model (models/ops.c) to the Vidur
per-operator profiles in calibration/data/llm_operator_profiles.csv.

Python 3 standard library only. The formulas are those of models/ops.c; the
printed parameters are what models/gpu.c holds for a100 and h100. It prints
the fit error per GPU and the leave-one-GPU-out table of docs/workloads.md
(fit on one GPU, predict the other from its datasheet peaks).

    python3 calibration/fit_operators.py [calibration/data/llm_operator_profiles.csv]
"""
import csv, math, sys

PATH = sys.argv[1] if len(sys.argv) > 1 else "calibration/data/llm_operator_profiles.csv"
# datasheet peaks (FACTS §1): SMs, dense BF16 FLOP/s, HBM bytes/s
GPUS = {"a100": (108, 312e12, 2.039e12), "h100": (132, 989e12, 3.35e12)}
MODELS = {"meta-llama/Llama-2-7b-hf": (4096, 32, 32, 11008), "meta-llama/Meta-Llama-3-8B": (4096, 32, 8, 14336),
          "meta-llama/Llama-2-70b-hf": (8192, 64, 8, 28672), "meta-llama/Meta-Llama-3-70B": (8192, 64, 8, 28672)}
GEMMS = ("attn_pre_proj", "attn_post_proj", "mlp_up_proj", "mlp_down_proj")
KIND = {"add": "add", "input_layernorm": "norm", "post_attention_layernorm": "norm", "attn_rope": "rope",
        "mlp_act": "act", "emb": "emb"}
# kernels per operator and whether the kernel runs one block per token (ops.c OPS_KINDS)
KERNELS = {"add": 2, "norm": 2, "rope": 2, "act": 2, "emb": 3}
ROWWISE = {"add": 0, "norm": 1, "rope": 1, "act": 1, "emb": 0}
TILES = ((64, 128), (128, 128), (128, 256), (256, 128))
SPLITK = (1, 2, 3, 4, 6, 8, 12, 16)

rows = []
for r in csv.DictReader(open(PATH)):
    rows.append(("a100" if r["gpu"].startswith("A100") else "h100", r["model"], int(r["tp"]),
                 int(r["num_tokens"]), r["operator"], float(r["median_ms"])))

def gemm_s(g, p, m, n, k, e=2.0):
    sms, peak, bw = GPUS[g]
    best = math.inf
    for tm, tn in TILES:
        tiles = math.ceil(m / tm) * math.ceil(n / tn)
        for sk in SPLITK:
            if k / sk < 256:
                break
            waves = math.ceil(tiles * sk / sms)
            best = min(best, waves * 2.0 * tm * tn * (k / sk) / (peak / sms * p["eta_mm"]))
    tmem = e * (m * k + k * n + m * n) / (bw * p["eta_bw"])
    return p["gemm_us"] * 1e-6 + math.sqrt(best * best + tmem * tmem)

def elem_s(g, p, passes, kind, tokens, width, e=2.0):
    sms, peak, bw = GPUS[g]
    t = max(tokens, sms) if ROWWISE[kind] else tokens
    return KERNELS[kind] * p["kern_us"] * 1e-6 + t * width * e * passes[kind] / (bw * p["eta_bw"])

def predict_ms(g, p, passes, model, tp, T, op):
    d, h, hk, f = MODELS[model]
    q, kv = h * 128, hk * 128
    if op in GEMMS:
        m, n, k = {"attn_pre_proj": (T, (q + 2 * kv) // tp, d), "attn_post_proj": (T, d, q // tp),
                   "mlp_up_proj": (T, 2 * f // tp, d), "mlp_down_proj": (T, d, f // tp)}[op]
        return gemm_s(g, p, m, n, k) * 1e3
    width = {"add": d, "norm": d, "rope": (q + kv) / tp, "act": f / tp, "emb": d}[KIND[op]]
    return elem_s(g, p, passes, KIND[op], T, width) * 1e3

def as_printed(pred, ref):
    """The source prints 3 decimals of ms (1 us); compare at that resolution."""
    return round(pred, 3) if abs(ref * 1e3 - round(ref * 1e3)) < 1e-9 else pred

def errors(g, p, passes, sel=None):
    out = []
    for (gg, model, tp, T, op, ms) in rows:
        if gg == g and (sel is None or op in sel):
            out.append((as_printed(predict_ms(g, p, passes, model, tp, T, op), ms) - ms) / ms)
    return out

def descend(cost, params, names, iters=400):
    """Coordinate descent on multiplicative steps: a few smooth parameters."""
    best = cost()
    step = [0.2] * len(names)
    for it in range(iters):
        i = it % len(names)
        d, k = names[i]
        for s in (1 + step[i], 1 / (1 + step[i])):
            old = d[k]
            d[k] = old * s
            v = cost()
            if v < best:
                best = v
                break
            d[k] = old
        else:
            step[i] *= 0.6
    return best

def fit(gpus):
    """Per-GPU efficiencies for each of gpus; passes shared by all of them."""
    ps = {g: {"eta_mm": 0.7, "eta_bw": 0.8, "gemm_us": 4.0, "kern_us": 1.0} for g in gpus}
    passes = {"add": 3.0, "norm": 5.0, "rope": 4.0, "act": 5.0, "emb": 10.0}
    cost = lambda: sum(abs(e) for g in gpus for e in errors(g, ps[g], passes))
    names = [(ps[g], k) for g in gpus for k in ps[g]] + [(passes, k) for k in passes]
    descend(cost, None, names, 60 * len(names))
    return ps, passes

def layer_errors(g, p, passes):
    """Per (model, tp, tokens): the sum of the ten operators, predicted and measured."""
    sums = {}
    for (gg, model, tp, T, op, ms) in rows:
        if gg == g:
            pr, rf, n = sums.get((model, tp, T), (0.0, 0.0, 0))
            sums[(model, tp, T)] = (pr + predict_ms(g, p, passes, model, tp, T, op), rf + ms, n + 1)
    return [(pr - rf) / rf for (pr, rf, n) in sums.values() if n == 10]

def stats(es):
    return (100 * sum(abs(e) for e in es) / len(es), 100 * max(abs(e) for e in es),
            sum(abs(e) > 0.25 for e in es), len(es))

if __name__ == "__main__":
    ps, passes = fit(list(GPUS))
    for g in GPUS:
        print(g, {k: round(v, 4) for k, v in ps[g].items()})
    print("passes", {k: round(v, 3) for k, v in passes.items()})
    for g in GPUS:
        p = ps[g]
        for sel, name in ((GEMMS, "gemm"), (tuple(KIND), "elementwise"), (None, "all")):
            print("fit %s %-12s mean %.1f%% max %.0f%% >25%%: %d of %d" % ((g, name) + stats(errors(g, p, passes, sel))))
        print("fit %s %-12s mean %.1f%% max %.0f%% >25%%: %d of %d" % ((g, "layer") + stats(layer_errors(g, p, passes))))
    for left in GPUS:
        other = [g for g in GPUS if g != left][0]
        fp, fpasses = fit([other])
        p, passes = fp[other], fpasses
        for sel, name in ((GEMMS, "gemm"), (tuple(KIND), "elementwise"), (None, "all")):
            print("loo %s from %s %-12s mean %.1f%% max %.0f%% >25%%: %d of %d" % ((left, other, name) + stats(errors(left, p, passes, sel))))
        print("loo %s from %s %-12s mean %.1f%% max %.0f%% >25%%: %d of %d" % ((left, other, "layer") + stats(layer_errors(left, p, passes))))
