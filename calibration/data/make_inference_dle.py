# make_inference_dle.py OUT.csv [training.csv]: the single-GPU inference throughput rows of
# the calibration set (DeepLearningExamples) whose GPU and precision the table states:
# ResNet-50 v1.5 in PyTorch (V100 16GB, T4; FP32 and mixed precision) and MXNet (A100
# 80GB, V100 16GB, T4; mixed precision), BERT-large SQuAD in PyTorch (A100 80GB), for
# `slicesim validate --case dle-inference` (calibration/data/README.md). The TensorFlow 1
# ResNet-50 tables are left out: their precision column is empty (three or four tables
# per GPU, FP32/TF32, AMP and XLA or not, in an order the parsed rows do not state).
# Latency columns are not copied: at one batch in flight the mean latency is batch /
# throughput (the rows agree to the printed digits).
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[2] if len(sys.argv) > 2 else '../shared/reference/calibration/training.csv')))
def gpu_of(text):
    if 'A100 80GB' in text: return 'a100-sxm-80gb'
    if 'V100 16GB' in text: return 'v100-sxm2-16gb'
    if 'T4' in text: return 't4'
    return None
out = []
for r in rows:
    if r['mode'] != 'inference' or r['framework'] not in ('PyTorch', 'MXNet'): continue
    if 'hroughput' not in r['metric']: continue
    gpu = gpu_of(r['source'])
    if not gpu: continue
    src = r['source'].split(', section')[0].replace(',', ';')
    if r['model'].startswith('ResNet'):
        model, seq = 'resnet50', 0
        batch = int(r['gpus_or_batch'])
        p = r['platform'] + ' ' + r['precision'] + ' ' + r['metric']
        prec = 'fp16' if ('ixed' in p) else 'fp32'
    else:
        model = 'bert-large-squad'
        m = re.search(r'=(\d+)/(\d+); Sequence Length=(\d+)', r['setup_params'])
        prec = 'fp16' if 'FP16' in r['precision'] else 'tf32'
        batch = int(m.group(2) if prec == 'fp16' else m.group(1))
        seq = int(m.group(3))
    # MXNet's tables come from two containers (22.10 on the A100, 20.12 on the V100 and T4):
    # two engine presets (models/training.c)
    engine = r['framework'].lower()
    if engine == 'mxnet' and r['container'].startswith('mxnet-20.12'):
        engine = 'mxnet-20.12'
    out.append([model, r['framework'], engine, gpu, batch, seq, prec, r['value'], r['unit'], src,
                r['container']])
w = csv.writer(open(sys.argv[1], 'w', newline=''), lineterminator='\n')
w.writerow(['model', 'framework', 'engine', 'gpu', 'batch', 'seq_len', 'precision', 'value', 'unit', 'source', 'container'])
for o in out: w.writerow(o)
print(len(out), file=sys.stderr)
