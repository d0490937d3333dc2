# dle_inference_checks.py [inference_dle.csv]: the checks of docs/training.md section 0d
# on DeepLearningExamples' MXNet ResNet-50 inference tables, from the rows themselves (no
# model): the time of a batch (batch / images/s: one batch in flight, the mean latency),
# the time an image and the marginal image between batches; the A100 table's residuals to
# the line through batch 64-192; the T4 against the V100 (container 20.12) and the least
# clock (share of boost) at which the T4 can run the V100's graph, if both GPUs run the
# same bytes at the same efficiency per SM and clock (its memory time 2.81x the V100's,
# its compute time 1.92x / f; a time at least the larger of the two); the tensor rate of
# the large batches (2 x 4.089 G multiply-accumulates an image, models/training.c).
import csv, sys

FLOPS = 8.178e9                     # train_model_find("resnet50") fwd_flops
BW_RATIO = 900.0 / 320.0            # V100 / T4 bandwidth (datasheets, models/gpu.c)
SMCLK_RATIO = 80 * 1.530 / (40 * 1.590)  # V100 / T4 SMs x boost clock
PEAK = {'a100-sxm-80gb': 312e12, 'v100-sxm2-16gb': 125e12, 't4': 65e12}


def table(rows, gpu):
    return {int(r['batch']): int(r['batch']) / float(r['value']) * 1e3 for r in rows
            if r['engine'].startswith('mxnet') and r['gpu'] == gpu}


def marginal(t, a, b):
    return (t[b] - t[a]) / (b - a)


def show(gpu, t):
    print(f'{gpu}: batch, ms a batch, ms an image, marginal ms an image from the batch before')
    prev = None
    for b in sorted(t):
        m = f'{marginal(t, prev, b):.3f}' if prev else ''
        print(f'  {b:4d} {t[b]:8.2f} {t[b] / b:7.3f} {m:>7}')
        prev = b


def chords(t):
    bs = sorted(t)
    out = []
    for a, b, c in zip(bs, bs[1:], bs[2:]):
        ch = t[a] + (t[c] - t[a]) * (b - a) / (c - a)
        out.append(f'{b}: {t[b]:.2f} ({t[b] / ch - 1:+.0%})')
    return ', '.join(out)


def pytorch(rows, gpu, prec):
    return {int(r['batch']): int(r['batch']) / float(r['value']) * 1e3 for r in rows
            if r['engine'] == 'pytorch' and r['gpu'] == gpu and r['precision'] == prec and r['model'] == 'resnet50'}


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else 'calibration/data/inference_dle.csv'
    rows = list(csv.DictReader(open(path)))
    t = {g: table(rows, g) for g in PEAK}
    for g in PEAK:
        show(g, t[g])
    a = t['a100-sxm-80gb']
    slope = marginal(a, 64, 192)
    icpt = a[64] - 64 * slope
    print(f'A100 line through batch 64-192: {icpt:.2f} ms + {slope:.4f} ms an image; residuals (ms):')
    print('  ' + ', '.join(f'{b}: {a[b] - icpt - slope * b:+.2f}' for b in sorted(a)))
    v, f = t['v100-sxm2-16gb'], t['t4']
    print('T4 / V100 time a batch: ' + ', '.join(f'{b}: {f[b] / v[b]:.2f}' for b in sorted(v) if b in f))
    mv, mt = marginal(v, 64, 128), marginal(f, 64, 256)
    print(f'marginal image: V100 {mv:.3f} ms (64-128), T4 {mt:.3f} ms (64-256); '
          f'V100 memory time below {mt / BW_RATIO:.3f} ms; T4 clock at least {SMCLK_RATIO * mv / mt:.2f} of boost')
    for g, (lo, hi) in (('a100-sxm-80gb', (64, 192)), ('v100-sxm2-16gb', (64, 128)), ('t4', (64, 256))):
        r = FLOPS / (marginal(t[g], lo, hi) * 1e-3)
        print(f'{g}: {r / 1e12:.1f} TFLOP/s a marginal image, {r / PEAK[g]:.3f} of the FP16 peak')
    for g in PEAK:
        print(f'{g}: ms a batch against the chord of its neighbours: {chords(t[g])}')
    ch = f[2] + (f[16] - f[2]) * 2 / 14
    print(f't4: batch 4 {f[4]:.2f} ms, the chord of batch 2 and 16 {ch:.2f} ms: a convex cost misses one of '
          f'the three by at least {(f[4] - ch) / (f[4] + ch):.1%} in time')
    pt, pv = pytorch(rows, 't4', 'fp16'), pytorch(rows, 'v100-sxm2-16gb', 'fp16')
    if pt and pv:
        mt, mv = marginal(pt, 128, 256), marginal(pv, 128, 256)
        print(f'PyTorch FP16 marginal image (128-256): T4 {mt:.3f} ms, V100 {mv:.3f} ms, ratio {mt / mv:.2f} '
              f'(bandwidth ratio {BW_RATIO:.2f}); T4 batch 16 {pt[16]:.2f} ms = '
              f'{pt[16] - 16 * marginal(pt, 16, 256):.2f} ms + 16 x {marginal(pt, 16, 256):.3f}')


if __name__ == '__main__':
    main()
