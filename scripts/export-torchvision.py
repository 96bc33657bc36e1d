#!/usr/bin/python3
"""Export torchvision models to ONNX and compute reference figures with the onnx package.

Writes to OUT (default ../tv-onnx/ beside the checkout; never committed):
  <model>_op<opset>.onnx    torch.onnx.export (legacy TorchScript exporter, torch 1.13), eval mode,
                            batch 1, random init (torch.manual_seed(0), weights=None), static shapes,
                            do_constant_folding=True, input 'input', output 'output'
  logs/<stem>.json          one export attempt: status, error text, torch_params, seconds
  logs/<stem>.log           the exporter's own stdout/stderr for that attempt
  export-failures.tsv       every failed attempt and what was done about it
  reference.tsv             figures computed from each .onnx file with onnx (see COLUMNS)
  resnet152_load_bench.tsv  `/usr/bin/time -v python3 -c "import onnx; onnx.load(...)"`, 5 runs

Phases (--phases, default export,reference,bench). Re-runnable: existing .onnx files are kept unless
--force. Progress goes to stderr. Run with Debian's python, which has torch/torchvision/onnx:
  nice -n 10 /usr/bin/python3 scripts/export-torchvision.py [--force] [--models a,b] [--out DIR]

MACs ("py_macs") are counted from the ONNX graph after onnx.shape_inference.infer_shapes(data_prop=True):
  Conv          out_elements * (Cin/group) * prod(kernel)      = out_elements * prod(W.shape[1:])
  ConvTranspose in_elements * prod(kernel) * (Cout/group)      = in_elements * prod(W.shape[1:])
  Gemm          M * K * N
  MatMul        prod(broadcast batch dims) * M * K * N  (weights or activations alike: counts attention)
  Einsum        prod of the sizes of all distinct subscripts
Nothing else is counted. py_macs_complete says which counted nodes lacked a shape.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
# The checkout's neighbours: ../shared (published figures) and ../tv-onnx (the exports, never committed).
PUBLISHED = os.path.join(HERE, '..', '..', 'shared', 'real-models', 'onnx', 'torchvision', 'published.tsv')
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'tv-onnx'))
OPSETS = (13, 17)
# When the export fails at an opset, the opsets tried instead, in order (first success is kept).
FALLBACKS = {13: (14, 15, 16), 17: (16, 15, 14)}
# Builder arguments beyond weights=None. googlenet/inception_v3 get the architecture that their
# published (pretrained) weights use, so that parameter counts compare: torchvision's builders set
# transform_input=True for those weights, drop googlenet's aux classifiers (aux_logits=False) and keep
# inception_v3's (aux_logits=True). init_weights=True is the default for weights=None, said explicitly.
BUILDER_KWARGS = {
    'googlenet': dict(aux_logits=False, transform_input=True, init_weights=True),
    'inception_v3': dict(aux_logits=True, transform_input=True, init_weights=True),
}
COLUMNS = ['file', 'model', 'opset', 'bytes', 'nodes', 'op_counts', 'float_initializer_elements',
           'int_initializer_elements', 'constant_node_elements', 'onnx_shape_inference', 'torch_params',
           'published_params', 'published_gmacs', 'py_macs', 'py_macs_complete', 'py_macs_ratio',
           'onnx_checker', 'identity_of_initializer_elements', 'export_note', 'shape_inference_stops_at',
           'unknown_shape_values']


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def read_published():
    rows = []
    with open(PUBLISHED) as f:
        header = f.readline().rstrip('\n').split('\t')
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip('\n').split('\t'))))
    for r in rows:
        name, dims = r['input'].split('=')
        assert name == 'input', r
        r['shape'] = [int(d) for d in dims.split('x')]
    return rows


# ---------------------------------------------------------------- export (one attempt per subprocess)

def build(model_name):
    import torch
    import torchvision
    torch.manual_seed(0)
    m = torchvision.models.get_model(model_name, weights=None, **BUILDER_KWARGS.get(model_name, {})) \
        if hasattr(torchvision.models, 'get_model') else \
        getattr(torchvision.models, model_name)(weights=None, **BUILDER_KWARGS.get(model_name, {}))
    return m.eval()


def export_one(model_name, opset, shape, path, meta_path):
    """Runs in a child process; writes meta_path (json) whatever happens."""
    import torch
    t0 = time.time()
    meta = dict(model=model_name, opset=opset, input_shape=shape, torch=torch.__version__,
                builder_kwargs=BUILDER_KWARGS.get(model_name, {}))
    try:
        model = build(model_name)
        meta['torch_params'] = sum(p.numel() for p in model.parameters())
        torch.manual_seed(0)
        x = torch.randn(*shape)
        tmp = path + '.partial'
        # No torch.no_grad(): with grad enabled nn.MultiheadAttention takes its ordinary (exportable)
        # path rather than the fused fast path.
        torch.onnx.export(model, (x,), tmp, export_params=True, opset_version=opset,
                          do_constant_folding=True, input_names=['input'], output_names=['output'],
                          training=torch.onnx.TrainingMode.EVAL)
        os.replace(tmp, path)
        meta['status'] = 'ok'
        meta['bytes'] = os.path.getsize(path)
    except Exception as e:  # noqa: BLE001 - the error text is the product here
        traceback.print_exc()
        meta['status'] = 'failed'
        msg = f'{type(e).__name__}: {e}'.strip()
        meta['error'] = re.sub(r'\s+', ' ', msg)[:1500]
        if os.path.exists(path + '.partial'):
            os.remove(path + '.partial')
    meta['seconds'] = round(time.time() - t0, 1)
    with open(meta_path, 'w') as f:
        json.dump(meta, f, indent=1)
    return 0 if meta['status'] == 'ok' else 1


def run_attempt(args, model, opset, shape):
    stem = f'{model}_op{opset}'
    path = os.path.join(args.out, stem + '.onnx')
    meta_path = os.path.join(args.out, 'logs', stem + '.json')
    log_path = os.path.join(args.out, 'logs', stem + '.log')
    if os.path.exists(path) and not args.force:
        log(f'  {stem}: exists, skipped')
        return 'ok'
    if os.path.exists(meta_path) and not args.force and not args.retry_failed:
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get('status') == 'failed':
            log(f'  {stem}: failed before (logs/{stem}.json), skipped; --retry-failed to try again')
            return 'failed'
    log(f'  {stem}: exporting ...')
    t0 = time.time()
    with open(log_path, 'w') as lf:
        rc = subprocess.call([sys.executable, os.path.abspath(__file__), '--out', args.out, '--_export-one',
                              model, str(opset), 'x'.join(map(str, shape))], stdout=lf, stderr=subprocess.STDOUT)
    status = 'ok' if rc == 0 and os.path.exists(path) else 'failed'
    if status == 'failed' and not os.path.exists(meta_path):
        with open(meta_path, 'w') as f:
            json.dump(dict(model=model, opset=opset, status='failed', error=f'child exited {rc}, see {log_path}'), f)
    extra = ''
    if status == 'failed':
        with open(meta_path) as f:
            extra = ': ' + json.load(f).get('error', '')[:300]
    log(f'  {stem}: {status} in {time.time() - t0:.0f}s{extra}')
    return status


def phase_export(args, rows):
    for i, r in enumerate(rows, 1):
        model = r['model']
        log(f'[{i}/{len(rows)}] {model} {r["input"]}')
        for opset in args.opsets:
            if run_attempt(args, model, opset, r['shape']) == 'ok':
                continue
            for alt in FALLBACKS.get(opset, ()):
                if alt not in args.opsets and run_attempt(args, model, alt, r['shape']) == 'ok':
                    break
    write_failures(args)


def write_failures(args):
    """export-failures.tsv from every logs/*.json that says failed (all models, not just this run's)."""
    logs = os.path.join(args.out, 'logs')
    lines = []
    for f in sorted(os.listdir(logs)):
        if not f.endswith('.json'):
            continue
        with open(os.path.join(logs, f)) as fh:
            meta = json.load(fh)
        if meta.get('status') != 'failed':
            continue
        model, opset = meta['model'], int(meta['opset'])
        if opset not in FALLBACKS:
            action = f'tried as a workaround for a failed export; did not work either'
        else:
            alts = [a for a in FALLBACKS[opset]
                    if os.path.exists(os.path.join(args.out, f'{model}_op{a}.onnx'))]
            action = (f'exported at opset {alts[0]} instead: {model}_op{alts[0]}.onnx' if alts
                      else 'no workaround: fallback opsets ' + ','.join(map(str, FALLBACKS[opset])) + ' failed too')
        lines.append(f'{model}\t{opset}\t{meta.get("error", "")}\t{action}\n')
    path = os.path.join(args.out, 'export-failures.tsv')
    with open(path, 'w') as fh:
        fh.write('model\topset\terror\taction\n')
        fh.writelines(lines)
    log(f'wrote {path} ({len(lines)} failed attempts)')


# ---------------------------------------------------------------- reference figures (onnx only)

def prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def tensor_elements(t):
    return prod(t.dims)


def attr(node, name, default=None):
    import onnx
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def constant_elements(node):
    """Element count of a Constant node's value, whichever value_* attribute it uses."""
    for a in node.attribute:
        if a.name == 'value':
            return tensor_elements(a.t)
        if a.name == 'sparse_value':
            return tensor_elements(a.sparse_tensor.values)
        if a.name in ('value_float', 'value_int', 'value_string'):
            return 1
        if a.name in ('value_floats',):
            return len(a.floats)
        if a.name in ('value_ints',):
            return len(a.ints)
        if a.name in ('value_strings',):
            return len(a.strings)
    return 0


def known_shapes(graph):
    """name -> list of ints, for every value whose shape is fully known (graph inputs, outputs,
    value_info, initializers)."""
    shapes = {}
    for vi in list(graph.input) + list(graph.output) + list(graph.value_info):
        tt = vi.type.tensor_type
        if not vi.type.HasField('tensor_type') or not tt.HasField('shape'):
            continue
        dims = tt.shape.dim
        if all(d.HasField('dim_value') for d in dims):
            shapes[vi.name] = [d.dim_value for d in dims]
    for init in graph.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def node_macs(node, shapes):
    """(macs, None) or (None, reason) for a node that has MACs; (0, None) for other nodes."""
    op = node.op_type
    if op not in ('Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Einsum'):
        return 0, None
    need = {'Conv': [node.output[0], node.input[1]], 'ConvTranspose': [node.input[0], node.input[1]],
            'Gemm': node.input[:2], 'MatMul': node.input[:2], 'Einsum': list(node.input)}[op]
    missing = [n for n in need if n not in shapes]
    if missing:
        return None, f'{node.name or op}({op}) lacks shape of {",".join(missing)}'
    if op == 'Conv':
        return prod(shapes[node.output[0]]) * prod(shapes[node.input[1]][1:]), None
    if op == 'ConvTranspose':
        return prod(shapes[node.input[0]]) * prod(shapes[node.input[1]][1:]), None
    if op == 'Gemm':
        a, b = shapes[node.input[0]], shapes[node.input[1]]
        m, k = (a[1], a[0]) if attr(node, 'transA', 0) else (a[0], a[1])
        n = b[0] if attr(node, 'transB', 0) else b[1]
        return m * k * n, None
    if op == 'MatMul':
        a, b = list(shapes[node.input[0]]), list(shapes[node.input[1]])
        if len(a) == 1:
            a = [1] + a
        if len(b) == 1:
            b = b + [1]
        m, k, n = a[-2], a[-1], b[-1]
        ba, bb = a[:-2], b[:-2]
        width = max(len(ba), len(bb))
        ba, bb = [1] * (width - len(ba)) + ba, [1] * (width - len(bb)) + bb
        batch = prod(max(x, y) for x, y in zip(ba, bb))
        return batch * m * k * n, None
    # Einsum
    eq = attr(node, 'equation').decode() if isinstance(attr(node, 'equation'), bytes) else attr(node, 'equation')
    lhs = eq.replace(' ', '').split('->')[0].split(',')
    if '...' in eq:
        return None, f'{node.name}(Einsum) with ellipsis not handled'
    sizes = {}
    for term, name in zip(lhs, node.input):
        for letter, d in zip(term, shapes[name]):
            sizes[letter] = max(sizes.get(letter, 1), d)
    return prod(sizes.values()), None


def analyse(path):
    import onnx
    from onnx import TensorProto as T
    model = onnx.load(path)
    g = model.graph
    out = dict(bytes=os.path.getsize(path), nodes=len(g.node))
    subgraphs = [n.name for n in g.node if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
                                               for a in n.attribute)]
    counts = {}
    for n in g.node:
        key = n.op_type if n.domain in ('', 'ai.onnx') else f'{n.domain}.{n.op_type}'
        counts[key] = counts.get(key, 0) + 1
    out['op_counts'] = ','.join(f'{k}:{v}' for k, v in sorted(counts.items()))
    floats = (T.FLOAT, T.FLOAT16, T.DOUBLE, T.BFLOAT16)
    ints = (T.INT8, T.UINT8, T.INT16, T.UINT16, T.INT32, T.UINT32, T.INT64, T.UINT64)
    out['float_initializer_elements'] = sum(tensor_elements(t) for t in g.initializer if t.data_type in floats)
    out['int_initializer_elements'] = sum(tensor_elements(t) for t in g.initializer if t.data_type in ints)
    # torch 1.13 ties initializers with equal contents (with random init: all-zero biases, also the
    # biases of folded BatchNorms) into one, read by the others through Identity nodes.
    init_size = {t.name: tensor_elements(t) for t in g.initializer}
    out['identity_of_initializer_elements'] = sum(init_size[n.input[0]] for n in g.node
                                                  if n.op_type == 'Identity' and n.input[0] in init_size)
    out['constant_node_elements'] = sum(constant_elements(n) for n in g.node if n.op_type == 'Constant')
    try:
        onnx.checker.check_model(model)
        out['onnx_checker'] = 'ok'
    except Exception as e:  # noqa: BLE001
        out['onnx_checker'] = re.sub(r'\s+', ' ', f'{type(e).__name__}: {e}')[:200]
    try:
        inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    except Exception as e:  # noqa: BLE001
        out.update(onnx_shape_inference='error: ' + re.sub(r'\s+', ' ', str(e))[:200], py_macs='',
                   py_macs_complete='no: shape inference failed', unknown_shape_values='')
        return out
    shapes = known_shapes(inferred.graph)
    produced = [o for n in inferred.graph.node for o in n.output if o]
    unknown = [o for o in produced if o not in shapes]
    out['onnx_shape_inference'] = 'ok' if not unknown else f'{len(unknown)} unknown'
    out['unknown_shape_values'] = ','.join(unknown[:20]) + (f',... (+{len(unknown) - 20})' if len(unknown) > 20 else '')
    # Where inference stops: nodes whose inputs all have known shapes but an output does not (in
    # practice a shape-computing input whose value data_prop could not follow).
    stops = {}
    for n in inferred.graph.node:
        if any(o and o not in shapes for o in n.output) and all(not i or i in shapes for i in n.input):
            stops.setdefault(n.op_type, []).append(n.name)
    out['shape_inference_stops_at'] = '; '.join(f'{op}:{len(v)} (e.g. {v[0]})' for op, v in sorted(stops.items()))
    total, missing = 0, []
    for n in inferred.graph.node:
        m, why = node_macs(n, shapes)
        if why:
            missing.append(why)
        else:
            total += m
    out['py_macs'] = total
    out['py_macs_complete'] = 'yes' if not missing else f'no ({len(missing)} nodes): ' + '; '.join(missing[:10])
    if subgraphs:
        out['py_macs_complete'] += f' [subgraphs not walked: {",".join(subgraphs)}]'
    return out


def torch_params_of(args, model):
    """From the export log when there is one; else build the model in a child process."""
    for f in sorted(os.listdir(os.path.join(args.out, 'logs'))):
        if f.startswith(model + '_op') and f.endswith('.json'):
            with open(os.path.join(args.out, 'logs', f)) as fh:
                meta = json.load(fh)
            if meta.get('torch_params') is not None and meta.get('model') == model:
                return meta['torch_params']
    return int(subprocess.check_output([sys.executable, os.path.abspath(__file__), '--out', args.out,
                                        '--_torch-params', model], stderr=subprocess.DEVNULL).strip())


def attempt_status(args, model, opset):
    p = os.path.join(args.out, 'logs', f'{model}_op{opset}.json')
    if not os.path.exists(p):
        return None
    with open(p) as fh:
        return json.load(fh).get('status')


def phase_reference(args, rows):
    pub = {r['model']: r for r in rows}
    files = []
    for r in rows:
        for f in sorted(os.listdir(args.out)):
            m = re.fullmatch(re.escape(r['model']) + r'_op(\d+)\.onnx', f)
            if m:
                files.append((r['model'], int(m.group(1)), f))
    files.sort(key=lambda x: (x[0], x[1]))
    tparams = {}
    out_rows = []
    for i, (model, opset, f) in enumerate(files, 1):
        log(f'[{i}/{len(files)}] analysing {f}')
        a = analyse(os.path.join(args.out, f))
        if model not in tparams:
            tparams[model] = torch_params_of(args, model)
        gmacs = float(pub[model]['published_gmacs'])
        note = ''
        if opset not in args.opsets:
            failed = [o for o in args.opsets if attempt_status(args, model, o) == 'failed']
            note = f'opset {opset}: workaround for the failed export at opset ' + '/'.join(map(str, failed))
        if model in BUILDER_KWARGS:
            kw = ','.join(f'{k}={v}' for k, v in BUILDER_KWARGS[model].items())
            note = (note + '; ' if note else '') + f'built with weights=None,{kw}'
        a.update(file=f, model=model, opset=opset, torch_params=tparams[model],
                 published_params=pub[model]['published_params'], published_gmacs=pub[model]['published_gmacs'],
                 py_macs_ratio=f'{a["py_macs"] / (gmacs * 1e9):.4f}' if a.get('py_macs') != '' else '',
                 export_note=note)
        out_rows.append(a)
    path = os.path.join(args.out, 'reference.tsv')
    with open(path, 'w') as fh:
        fh.write('\t'.join(COLUMNS) + '\n')
        for a in out_rows:
            fh.write('\t'.join(str(a.get(c, '')) for c in COLUMNS) + '\n')
    log(f'wrote {path} ({len(out_rows)} rows)')


# ---------------------------------------------------------------- onnx.load benchmark

def phase_bench(args, rows):
    target = os.path.join(args.out, 'resnet152_op13.onnx')
    if not os.path.exists(target):
        log(f'bench: {target} missing, skipped')
        return
    runs = []
    for i in range(args.bench_runs):
        p = subprocess.run(['/usr/bin/time', '-v', '/usr/bin/python3', '-c',
                            f"import onnx; onnx.load('{target}')"], capture_output=True, text=True)
        wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', p.stderr).group(1)
        secs = sum(float(x) * 60 ** k for k, x in enumerate(reversed(wall.split(':'))))
        rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', p.stderr).group(1))
        runs.append((secs, rss, os.getloadavg()[0]))
        log(f'  bench run {i + 1}: wall {secs:.2f}s, max RSS {rss} KB (exit {p.returncode})')
    path = os.path.join(args.out, 'resnet152_load_bench.tsv')
    with open(path, 'w') as fh:
        fh.write(f'# /usr/bin/time -v /usr/bin/python3 -c "import onnx; onnx.load(\'{target}\')"; '
                 f'file bytes {os.path.getsize(target)}; nice {os.nice(0)}\n')
        fh.write('run\twall_seconds\tmax_rss_kb\tloadavg_1min\n')
        for i, (s, r, l) in enumerate(runs, 1):
            fh.write(f'{i}\t{s:.2f}\t{r}\t{l:.2f}\n')
        fh.write(f'median\t{statistics.median(s for s, _, _ in runs):.2f}\t'
                 f'{int(statistics.median(r for _, r, _ in runs))}\t\n')
    log(f'wrote {path}: median wall {statistics.median(s for s, _, _ in runs):.2f}s, '
        f'median max RSS {int(statistics.median(r for _, r, _ in runs))} KB')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=DEFAULT_OUT)
    ap.add_argument('--models', help='comma-separated subset of published.tsv')
    ap.add_argument('--opsets', default=','.join(map(str, OPSETS)))
    ap.add_argument('--phases', default='export,reference,bench')
    ap.add_argument('--force', action='store_true', help='re-export files that exist')
    ap.add_argument('--retry-failed', action='store_true', help='retry attempts logged as failed')
    ap.add_argument('--bench-runs', type=int, default=5)
    ap.add_argument('--_torch-params', metavar='MODEL', help=argparse.SUPPRESS)
    ap.add_argument('--_export-one', nargs=3, metavar=('MODEL', 'OPSET', 'SHAPE'), help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.opsets = [int(x) for x in args.opsets.split(',')]
    os.makedirs(os.path.join(args.out, 'logs'), exist_ok=True)
    if args._export_one:
        model, opset, shape = args._export_one
        stem = f'{model}_op{opset}'
        sys.exit(export_one(model, int(opset), [int(d) for d in shape.split('x')],
                            os.path.join(args.out, stem + '.onnx'), os.path.join(args.out, 'logs', stem + '.json')))
    if args._torch_params:
        print(sum(p.numel() for p in build(args._torch_params).parameters()))
        return
    rows = read_published()
    if args.models:
        want = args.models.split(',')
        unknown = set(want) - {r['model'] for r in rows}
        if unknown:
            ap.error(f'not in published.tsv: {sorted(unknown)}')
        rows = [r for r in rows if r['model'] in want]
    phases = args.phases.split(',')
    if 'export' in phases:
        phase_export(args, rows)
    if 'reference' in phases:
        phase_reference(args, rows)
    if 'bench' in phases:
        phase_bench(args, rows)


if __name__ == '__main__':
    main()
