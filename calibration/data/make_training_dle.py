# make_training_dle.py OUT.csv [training.csv]: the one-node ResNet-50 and BERT-large
# training throughput rows of the calibration set (DeepLearningExamples), with the
# batch per GPU, accumulation, sequence and precision each row states, for
# `slicesim validate --case dle-training` (calibration/data/README.md).
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[2] if len(sys.argv) > 2 else '../shared/reference/calibration/training.csv')))
out = []
def gpu_of(plat):
    if 'A100 80GB' in plat: return 'a100-sxm-80gb'
    if 'A100 40GB' in plat: return 'a100-sxm-40gb'
    if ('V100' in plat or 'DGX-1' in plat) and '32G' in plat: return 'v100-sxm2-32gb'
    if 'V100' in plat: return 'v100-sxm2-16gb'
    return None
def prec_of(r, gpu):
    p = r['precision']
    if 'FP16' in p: return 'fp16'
    if p == 'TF32': return 'tf32'
    if p == 'FP32': return 'tf32' if gpu.startswith('a100') else 'fp32'
    return None
for r in rows:
    if r['mode'] != 'training' or 'hroughput' not in r['metric']: continue
    if not (r['model'].startswith('ResNet') or r['model'].startswith('BERT')): continue
    gpu = gpu_of(r['platform'])
    if not gpu: continue
    if 'Multi-node' in r['platform'] or 'Multi-n' in r['platform']: continue
    prec = prec_of(r, gpu)
    amp = prec == 'fp16'
    sp = r['setup_params']
    n = int(r['gpus_or_batch'])
    if r['model'].startswith('ResNet'):
        model, seq = 'resnet50', 0
        m = re.search(r'=(\d+)(?: \(FP32\) / (\d+) \(AMP\))?', sp)
        if m and m.group(2): batch = int(m.group(2)) if amp else int(m.group(1))
        elif m: batch = int(m.group(1))
        else: batch = 256 if (amp or prec == 'tf32') else 128
        note = '' if m else 'batch not printed: 256 (128 fp32) [I]'
        accum = 1
    else:
        m = re.search(r'Sequence [Ll]ength=(\d+)', sp)
        seq = int(m.group(1)) if m else 384
        model = 'bert-large' if m else 'bert-large-squad'
        note = ''
        m1 = re.search(r'Batch size / GPU \((?:TF32|FP32) and FP16\)=(\d+)\s+and (\d+)', sp)
        m2 = re.search(r'Batch size / GPU: mixed precision, (?:TF32|FP32)=(\d+)\s*,\s*(\d+)', sp)
        acc = re.search(r'Accumulation steps \((?:TF32|FP32) and FP16\)=(\d+) and (\d+)', sp)
        if m1:
            a, b = int(m1.group(1)), int(m1.group(2))
            batch = b if amp else a
            if acc and batch >= 1024:   # printed as the accumulated batch
                batch = batch // int(acc.group(2) if amp else acc.group(1))
                note = 'batch = accumulated batch / accumulation steps'
        elif m2:
            batch = int(m2.group(1)) if amp else int(m2.group(2))
        else:
            print('no batch', sp, file=sys.stderr); continue
        a1 = re.search(r'Accumulation steps \((?:TF32|FP32) and FP16\)=(\d+) and (\d+)', sp)
        a2 = re.search(r'Gradient Accumulation: mixed precision, (?:TF32|FP32)=(\d+)\s*,\s*(\d+)', sp)
        if a1: accum = int(a1.group(2) if amp else a1.group(1))
        elif a2: accum = int(a2.group(1) if amp else a2.group(2))
        else: accum = 1
    fw = r['framework']
    src = r['source'].split(', section')[0]
    fwk = {'PyTorch': 'pytorch', 'MXNet': 'mxnet'}.get(fw, 'tensorflow')
    if fwk == 'tensorflow' and model == 'bert-large-squad' and not amp:   # FP32/TF32 SQuAD rows: graphs without XLA [I]
        fwk = 'tensorflow-noxla'
    if fwk == 'pytorch' and model == 'bert-large':   # LDDL's binned pre-training loader
        fwk = 'pytorch-lddl'
    elif fwk == 'pytorch' and model == 'bert-large-squad':   # run_squad.py's per-tensor optimizer
        fwk = 'pytorch-squad'
    out.append([model, fw.replace(' ', '-'), fwk, gpu, n, batch, accum, seq, prec, r['value'], r['unit'], src.replace(',', ';'), note.replace(',', ';')])
w = csv.writer(open(sys.argv[1], 'w', newline=''), lineterminator='\n')
w.writerow(['model','framework','framework_preset','gpu','gpus','batch_per_gpu','accumulation','seq_len','precision','value','unit','source','notes'])
for o in out: w.writerow(o)
print(len(out), file=sys.stderr)
