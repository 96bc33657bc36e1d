#!/usr/bin/env python3
"""Hostile Keras .h5 files for test/load/fuzz-formats.test.ts (run with Debian's python3-h5py).

Each file is a small Keras-2-style full-model save whose content lies in one way. The
base model is a Sequential Conv2D(4, 3x3) -> Flatten -> Dense(2) on 8x8x1, written the way
Keras 2.x writes it (root attributes model_config / keras_version / backend, weights under
/model_weights/<layer>/<layer>/<name>:0 with layer_names / weight_names attributes).
Big ones are written gzip-compressed (.h5.gz) and expanded by the test.
"""
import gzip, json, os, shutil, sys
import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'h5-hostile')

def config(layers=None):
    return {"class_name": "Sequential", "config": {"name": "seq", "layers": layers or [
        {"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
            "activation": "relu", "use_bias": True, "batch_input_shape": [None, 8, 8, 1], "dtype": "float32", "trainable": True}},
        {"class_name": "Flatten", "config": {"name": "flat", "trainable": True}},
        {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "softmax", "use_bias": True, "trainable": True}},
    ]}}

WEIGHTS = {"conv": [("kernel:0", (3, 3, 1, 4)), ("bias:0", (4,))], "flat": [], "dense": [("kernel:0", (144, 2)), ("bias:0", (2,))]}

def write(name, model_config=None, weights=WEIGHTS, layer_names=None, extra=None, attrs_as=None, gz=False, userblock=0):
    path = os.path.join(OUT, name)
    with h5py.File(path, 'w', userblock_size=userblock) as f:
        if model_config is not None:
            f.attrs['model_config'] = model_config if attrs_as is None else attrs_as(model_config)
        f.attrs['keras_version'] = b'2.2.4'
        f.attrs['backend'] = b'tensorflow'
        g = f.create_group('model_weights')
        names = list(weights.keys()) if layer_names is None else layer_names
        g.attrs['layer_names'] = np.array([n.encode() for n in names])
        rng = np.random.default_rng(7)
        for layer, ws in weights.items():
            lg = g.create_group(layer)
            lg.attrs['weight_names'] = np.array([f'{layer}/{w}'.encode() for w, _ in ws], dtype='S') if ws else np.array([], dtype='S1')
            inner = lg.create_group(layer) if ws else None
            for w, shape in ws:
                inner.create_dataset(w, data=rng.standard_normal(shape).astype('float32'))
        if extra:
            extra(f)
    if gz:
        with open(path, 'rb') as a, gzip.open(path + '.gz', 'wb', compresslevel=9) as b:
            shutil.copyfileobj(a, b)
        os.remove(path)

def main():
    os.makedirs(OUT, exist_ok=True)
    good = json.dumps(config()).encode()
    write('valid.h5', good)
    # A user block before the superblock (HDF5's signature at 1024, not at 0).
    write('user-block.h5', good, userblock=1024)
    write('config-not-json.h5', b'{"class_name": "Sequential", "config": {"layers": [')
    write('config-not-text.h5', good, attrs_as=lambda c: np.arange(12, dtype='int64'))
    write('config-vlen-str.h5', good.decode(), attrs_as=lambda c: c)  # a Python str: h5py writes a variable-length string
    write('config-empty.h5', b'')
    write('config-wrong-shape.h5', json.dumps(config([{"class_name": "Conv2D", "config": {"name": "conv", "filters": 4, "kernel_size": [30, 30],
        "batch_input_shape": [None, 8, 8, 1]}}])).encode())
    # 60 MB of model_config: a valid small config padded with whitespace, and 60 MB of nesting.
    padded = good[:-1] + b' ' * (60 * 2**20) + good[-1:]
    write('config-60mb-padded.h5', padded, gz=True)
    write('config-60mb-nested.h5', b'[' * (30 * 2**20) + b']' * (30 * 2**20), gz=True)
    # Weights that lie (bench / export read them; summarize does not).
    write('weights-missing-layer.h5', good, layer_names=['conv', 'flat', 'dense', 'ghost'])
    write('weights-wrong-shape.h5', good, weights={**WEIGHTS, 'dense': [("kernel:0", (100, 2)), ("bias:0", (2,))]})
    write('weights-too-few.h5', good, weights={**WEIGHTS, 'dense': [("kernel:0", (144, 2))]})
    proto = {"__proto__": [("kernel:0", (3, 3, 1, 4)), ("bias:0", (4,))], "flat": [], "dense": WEIGHTS["dense"]}
    write('weights-proto-name.h5', good, weights=proto)
    def deep(f):
        g = f['model_weights']
        for i in range(300):
            g = g.create_group(f'd{i}')
    write('deep-groups.h5', good, extra=deep)
    def many_attrs(f):
        for i in range(2000):
            f['model_weights'].attrs[f'a{i}'] = i
    write('many-attributes.h5', good, extra=many_attrs)
    # Weights-only: layer_names and no model_config.
    write('weights-only.h5', None)

if __name__ == '__main__':
    main()
