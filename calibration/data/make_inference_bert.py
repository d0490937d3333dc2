# make_inference_bert.py OUT.csv [llm_serving.csv]: the BERT encoder latencies of the
# calibration set's llm_serving.csv (AITemplate's examples/03_bert README: PyTorch eager
# against the AITemplate module, A100-40GB, CUDA 11.6.2, sequence 64, batch 1-256), for
# `slicesim validate --case bert-engines` (calibration/data/README.md). Values are copied
# as printed (ms a batch). What the excerpt does not state is taken, and marked so in
# calibration/data/README.md: BERT-base (the model), fp16 (both engines), the SXM4 part.
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[2] if len(sys.argv) > 2 else '../shared/reference/calibration/llm_serving.csv')))
out = []
for r in rows:
    if not r['model'].startswith('BERT encoder') or r['gpu'] != 'A100-40GB': continue
    m = re.search(r'sequence length (\d+), batch (\d+)', r['workload'])
    if not m or r['metric'] != 'latency per batch': continue
    engine = 'pytorch-half' if r['framework'] == 'PyTorch eager' else 'aitemplate'
    src = r['source'].replace(',', ';')
    out.append(['bert-base', r['framework'], engine, 'a100-sxm-40gb', int(m.group(2)), int(m.group(1)), 'fp16',
                r['value'], r['unit'], src, r['framework_version'].replace(',', ';')])
w = csv.writer(open(sys.argv[1], 'w', newline=''), lineterminator='\n')
w.writerow(['model', 'framework', 'engine', 'gpu', 'batch', 'seq_len', 'precision', 'value', 'unit', 'source', 'container'])
for o in out: w.writerow(o)
print(len(out), file=sys.stderr)
