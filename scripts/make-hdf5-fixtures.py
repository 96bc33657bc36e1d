#!/usr/bin/python3
"""Writes the HDF5 fixtures of test/load/hdf5 with h5py, and beside each file the values
h5py reads back from it (<name>.json): the independent source the TypeScript reader is
compared against. With ../shared/real-models/h5 present, also records h5py's reading of
those files (fixtures/hdf5/real-h5py.json).

Run from the repository root: /usr/bin/python3 scripts/make-hdf5-fixtures.py
Files written with libver='latest' record creation times, so their bytes differ on every
run; their readings (the JSON files) do not.
"""
import json
import os
import sys

import h5py
import numpy as np

OUT = 'fixtures/hdf5'
REAL = '../shared/real-models/h5'


def plain(v):
    """An h5py value as JSON: strings decoded, numbers as numbers, int64 beyond 2^53 as {"bigint": "..."}."""
    if isinstance(v, bytes):
        return v.decode('utf-8', errors='replace')
    if isinstance(v, str):
        return v
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.reshape(-1)]
    if isinstance(v, (np.integer, int)):
        i = int(v)
        return i if abs(i) <= 2**53 - 1 else {'bigint': str(i)}
    if isinstance(v, (np.floating, float)):
        return float(v)
    raise TypeError(f'no JSON for {type(v)}: {v!r}')


def reading(path):
    """What h5py reads: every group's keys and attributes, every dataset's shape, dtype, values."""
    out = {'groups': {}, 'datasets': {}}
    with h5py.File(path, 'r') as f:
        def group(name, g):
            out['groups'][name] = {'keys': sorted(g.keys()), 'attrs': {k: plain(g.attrs[k]) for k in g.attrs}}

        def visit(name, obj):
            full = '/' + name
            if isinstance(obj, h5py.Group):
                group(full, obj)
            else:
                dt = obj.dtype
                kind = {'f': 'float', 'i': 'int', 'u': 'uint'}[dt.kind]
                out['datasets'][full] = {
                    'shape': list(obj.shape),
                    'dtype': f'{kind}{dt.itemsize * 8}',
                    'values': plain(obj[()].astype(dt.newbyteorder('='))) if obj.shape else [plain(obj[()])],
                    'attrs': {k: plain(obj.attrs[k]) for k in obj.attrs},
                }
        group('/', f)
        f.visititems(visit)
    return out


def common(f):
    """Attributes and datasets of every kind the reader decodes."""
    f.attrs['vlen_str'] = '{"class_name": "Sequential", "config": {"layers": []}}'
    f.attrs['utf8_str'] = 'caf\u00e9 \u2014 \u00fcber'
    f.attrs['fixed_str'] = np.bytes_(b'2.1.6-tf')
    f.attrs['layer_names'] = np.array([b'conv2d_1', b'batch_normalization_1', b'dense'], dtype='S21')
    f.attrs.create('vlen_array', ['a', 'bb', ''], dtype=h5py.string_dtype())
    f.attrs['i8'] = np.int8(-7)
    f.attrs['u16'] = np.uint16(65535)
    f.attrs['i32'] = np.int32(-123456)
    f.attrs['i64'] = np.int64(-(2**40))
    f.attrs['u64_big'] = np.uint64(2**63 + 5)
    f.attrs['f16'] = np.float16(0.333)
    f.attrs['f32'] = np.float32(3.25)
    f.attrs['f64'] = np.float64(-1e-300)
    f.attrs['ints'] = np.arange(5, dtype='<i4')
    f.attrs['be_ints'] = np.array([1, -2, 300], dtype='>i2')
    f.attrs['floats'] = np.array([0.5, -2.0], dtype='>f8')
    f.attrs['empty_ints'] = np.zeros((0,), dtype='i4')
    f.attrs['__proto__'] = 'names a reader must keep in a Map'
    f.attrs['constructor'] = np.int32(1)
    f.create_group('toString').attrs['hasOwnProperty'] = 'x'
    g = f.create_group('model_weights')
    layer = g.create_group('dense_1').create_group('dense_1')
    rng = np.random.default_rng(7)
    layer.create_dataset('kernel:0', data=rng.standard_normal((6, 5)).astype('<f4'))
    layer.create_dataset('bias:0', data=rng.standard_normal(5).astype('<f4'))
    g['dense_1'].attrs['weight_names'] = np.array([b'dense_1/kernel:0', b'dense_1/bias:0'])
    g.attrs['layer_names'] = np.array([b'dense_1'])
    d = f.create_group('data')
    d.create_dataset('chunked_gzip_shuffle', data=rng.standard_normal((37, 11)).astype('<f4'), chunks=(8, 4), compression='gzip', shuffle=True)
    d.create_dataset('chunked_plain', data=np.arange(50, dtype='<i8').reshape(10, 5), chunks=(3, 2))
    d.create_dataset('compact', data=np.arange(-6, 6, dtype='<i2'), dtype='<i2', **compact())
    d.create_dataset('float16', data=np.linspace(-2, 2, 9).astype('<f2'))
    d.create_dataset('float64_be', data=np.array([1.5, -0.25, 1e10], dtype='>f8'))
    d.create_dataset('uint8', data=np.arange(250, 256, dtype='u1'))
    d.create_dataset('scalar', data=np.float32(42.5))
    d.create_dataset('unwritten', shape=(4, 3), dtype='<f4')  # no data written: an undefined address, read as zeros
    d.create_dataset('single_chunk_gzip', data=np.arange(24, dtype='<f4').reshape(4, 6), chunks=(4, 6), compression='gzip')
    d['compact'].attrs['note'] = 'compact layout'


def compact():
    """Keyword arguments for a compact layout (h5py has no create_dataset option for it)."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    return {'dcpl': dcpl}


def old_style(path):
    with h5py.File(path, 'w') as f:
        common(f)
        many = f.create_group('many_links')
        for i in range(20):  # several symbol table nodes (8 entries each)
            many.create_group(f'layer_{i:03d}')


def latest(path):
    with h5py.File(path, 'w', libver='latest') as f:
        common(f)
        many = f.create_group('many_links')  # > 8 links: dense storage, a fractal heap and a v2 B-tree
        for i in range(120):  # enough names to outgrow the heap's first direct block
            many.create_group(f'a_rather_long_link_name_to_fill_the_heap_{i:04d}')
        a = f.create_group('many_attrs')  # > 8 attributes: dense attribute storage
        for i in range(120):
            a.attrs[f'attribute_{i:03d}'] = np.float64(i) / 8
        a.attrs['layer_names'] = np.array([f'layer_{i:05d}'.encode() for i in range(6000)])  # > 64 KiB: a huge heap object
        # More chunks than a fixed array index page holds (1024): a paged chunk index.
        f['data'].create_dataset('paged_chunk_index', data=(np.arange(33 * 34) % 251).astype('u1').reshape(33, 34), chunks=(1, 1))


def superblock_v2(path):
    with h5py.File(path, 'w', libver=('v108', 'v108')) as f:
        common(f)


def user_block(path):
    with h5py.File(path, 'w', userblock_size=512) as f:
        common(f)
    with open(path, 'r+b') as raw:
        raw.write(b'user block: not HDF5 data\n')


def superblock_v1(path):
    """h5py cannot ask for superblock version 1 (it needs a non-default indexed storage K), so
    a version 0 file is rewritten: its root group's object header is copied to the end of
    the file, and the 100-byte version 1 superblock (4 bytes longer) takes the place of the
    96-byte version 0 one and of the old header's first bytes. h5py's reading of the result
    (the JSON) is the check that it is a sound file."""
    import struct
    with h5py.File(path, 'w') as f:
        common(f)
    with open(path, 'r+b') as raw:
        data = bytearray(raw.read())
    assert data[8] == 0
    base, _free, eof, _driver = struct.unpack('<4Q', data[24:56])
    name_offset, root, cache = struct.unpack('<QQI', data[56:76])
    assert base == 0 and eof == len(data) and root == 96 and data[root] == 1
    header = bytes(data[root:root + 16 + struct.unpack('<I', data[root + 8:root + 12])[0]])
    moved = (len(data) + 7) // 8 * 8
    data += bytes(moved - len(data)) + header
    entry = struct.pack('<QQI', name_offset, moved, cache) + data[76:96]
    v1 = (b'\x89HDF\r\n\x1a\n' + bytes([1, 0, 0, 0, 0, 8, 8, 0]) + struct.pack('<HHIHH', 4, 16, 0, 32, 0)
          + struct.pack('<4Q', 0, 2**64 - 1, len(data), 2**64 - 1) + entry)
    assert len(v1) == 100
    data[0:100] = v1
    with open(path, 'wb') as raw:
        raw.write(data)


def track_order(path):
    with h5py.File(path, 'w', libver='latest', track_order=True) as f:
        for i in range(12):
            f.create_group(f'g{11 - i}')
            f.attrs[f'attr{11 - i}'] = i


def continued_root(path):
    """Attributes added after the root exists: its object header continues in another chunk."""
    with h5py.File(path, 'w') as f:
        for i in range(30):
            f.attrs[f'attribute_number_{i}'] = np.arange(i + 1, dtype='<f8')


def deep(path):
    with h5py.File(path, 'w', libver='latest') as f:
        g = f
        for _ in range(100):
            g = g.create_group('d')


def real(out):
    files = {}
    for name in sorted(os.listdir(REAL)):
        if not name.endswith(('.h5', '.hdf5')):
            continue
        with h5py.File(os.path.join(REAL, name), 'r') as f:
            attrs = {k: plain(f.attrs[k]) for k in f.attrs}
            entry = {'attr_keys': sorted(attrs)}
            for k in ('keras_version', 'backend'):
                if k in attrs:
                    entry[k] = attrs[k]
            if 'model_config' in attrs:
                entry['model_config_200'] = attrs['model_config'][:200]
                entry['model_config_length'] = len(attrs['model_config'])
            if 'layer_names' in attrs:
                entry['layer_names'] = attrs['layer_names']
            datasets = {}

            def visit(path, obj):
                if isinstance(obj, h5py.Dataset):
                    datasets['/' + path] = [list(obj.shape), obj.dtype.str, float(np.asarray(obj[()], dtype=np.float64).sum())]
            f.visititems(visit)
            entry['datasets'] = datasets  # every dataset: shape, dtype, sum of its elements
            files[name] = entry
    with open(out, 'w') as o:
        json.dump(files, o, indent=1, ensure_ascii=False)
        o.write('\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    makers = {
        'old-style': old_style,
        'latest': latest,
        'superblock-v2': superblock_v2,
        'user-block': user_block,
        'superblock-v1': superblock_v1,
        'track-order': track_order,
        'continued-root': continued_root,
        'deep': deep,
    }
    for name, make in makers.items():
        path = os.path.join(OUT, f'{name}.h5')
        if os.path.exists(path):
            os.remove(path)
        make(path)
        with open(os.path.join(OUT, f'{name}.json'), 'w') as o:
            json.dump(reading(path), o, ensure_ascii=False, separators=(',', ':'))
            o.write('\n')
        with open(path, 'rb') as raw:
            head = raw.read(1024)
        sb = head.find(b'\x89HDF\r\n\x1a\n')
        print(f'{path}: {os.path.getsize(path)} bytes, superblock version {head[sb + 8]} at {sb}')
    if os.path.isdir(REAL):
        real(os.path.join(OUT, 'real-h5py.json'))
        print(f'{OUT}/real-h5py.json written')
    else:
        print(f'{REAL} is absent: real-h5py.json not written', file=sys.stderr)


main()
