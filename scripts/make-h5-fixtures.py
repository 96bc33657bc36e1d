#!/usr/bin/env python3
"""Writes the Keras .h5 test fixtures of fixtures/h5/ with h5py and numpy (no Keras needed),
laid out as Keras writes them (keras/engine/saving.py: save_weights_to_hdf5_group), and the
values a test expects from them, computed here with numpy as Keras' own loader converts them
(preprocess_weights_for_loading, _convert_rnn_weights of Keras 2.2.4), and the values h5py
reads from the real files of ../shared/real-models/h5 (when present).

    /usr/bin/python3 scripts/make-h5-fixtures.py
"""
import json
import os
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'fixtures', 'h5')
REAL = os.path.join(os.path.dirname(ROOT), 'shared', 'real-models', 'h5')
rng = np.random.RandomState(11)


def arr(*shape):
    return rng.uniform(-1, 1, size=shape).astype('float32')


def save_weights(g, layers, keras_version=None, backend=None):
    """layers: [(layer name, [(weight name, array)])] as Keras' save_weights_to_hdf5_group writes them."""
    g.attrs['layer_names'] = [n.encode('utf8') for n, _ in layers]
    if keras_version is not None:
        g.attrs['keras_version'] = keras_version.encode('utf8')
    if backend is not None:
        g.attrs['backend'] = backend.encode('utf8')
    for name, weights in layers:
        lg = g.create_group(name)
        lg.attrs['weight_names'] = [w.encode('utf8') for w, _ in weights]
        for w, value in weights:
            lg.create_dataset(w, data=value)


def values(a):
    return [float(x) for x in np.asarray(a, dtype='float32').reshape(-1)]


# ---------------------------------------------------------------------------------------
# 1. A save_weights file (Keras 2.3.1) and the to_json() topology it goes with, written by hand.

arch = {
    'class_name': 'Sequential',
    'keras_version': '2.3.1',
    'backend': 'tensorflow',
    'config': {'name': 'small', 'layers': [
        {'class_name': 'Conv2D', 'config': {'name': 'conv', 'trainable': True, 'batch_input_shape': [None, 8, 8, 1], 'dtype': 'float32',
                                            'filters': 4, 'kernel_size': [3, 3], 'strides': [1, 1], 'padding': 'valid', 'data_format': 'channels_last',
                                            'dilation_rate': [1, 1], 'activation': 'relu', 'use_bias': True}},
        {'class_name': 'Flatten', 'config': {'name': 'flat', 'trainable': True, 'data_format': 'channels_last'}},
        {'class_name': 'Dense', 'config': {'name': 'fc', 'trainable': True, 'units': 3, 'activation': 'linear', 'use_bias': True}},
    ]},
}
with open(os.path.join(OUT, 'small.arch.json'), 'w') as f:
    json.dump(arch, f, indent=1)

small = {'conv_k': arr(3, 3, 1, 4), 'conv_b': arr(4), 'fc_k': arr(144, 3), 'fc_b': arr(3)}
with h5py.File(os.path.join(OUT, 'small.weights.h5'), 'w') as f:
    save_weights(f, [
        ('conv', [('conv/kernel:0', small['conv_k']), ('conv/bias:0', small['conv_b'])]),
        ('flat', []),
        ('fc', [('fc/kernel:0', small['fc_k']), ('fc/bias:0', small['fc_b'])]),
    ], '2.3.1', 'tensorflow')

# The same weights with the attributes split as Keras splits those past 64 KiB
# (save_attributes_to_hdf5_group: layer_names0, layer_names1, ...; weight_names0, ...).
with h5py.File(os.path.join(OUT, 'small-split.weights.h5'), 'w') as f:
    f.attrs['keras_version'] = b'2.3.1'
    f.attrs['backend'] = b'tensorflow'
    f.attrs['layer_names0'] = [b'conv', b'flat']
    f.attrs['layer_names1'] = [b'fc']
    for name, weights in [('conv', [('conv/kernel:0', small['conv_k']), ('conv/bias:0', small['conv_b'])]), ('flat', []),
                          ('fc', [('fc/kernel:0', small['fc_k']), ('fc/bias:0', small['fc_b'])])]:
        g = f.create_group(name)
        g.attrs['weight_names'] = [w.encode('utf8') for w, _ in weights]
        if len(weights) == 2:
            del g.attrs['weight_names']
            g.attrs['weight_names0'] = [weights[0][0].encode('utf8')]
            g.attrs['weight_names1'] = [weights[1][0].encode('utf8')]
        for w, value in weights:
            g.create_dataset(w, data=value)

# The same weights, one shape wrong (a Dense for another input size).
with h5py.File(os.path.join(OUT, 'small-wrong-shape.weights.h5'), 'w') as f:
    save_weights(f, [
        ('conv', [('conv/kernel:0', small['conv_k']), ('conv/bias:0', small['conv_b'])]),
        ('fc', [('fc/kernel:0', arr(100, 3)), ('fc/bias:0', small['fc_b'])]),
    ], '2.3.1', 'tensorflow')

# ---------------------------------------------------------------------------------------
# 2. A Keras 1.2.1 functional model: a 'th' Convolution2D, a 12-array LSTM, a Merge(concat).

k1_config = {'class_name': 'Model', 'config': {'name': 'model_1', 'layers': [
    {'class_name': 'InputLayer', 'name': 'input_1', 'inbound_nodes': [],
     'config': {'batch_input_shape': [None, 1, 5, 6], 'input_dtype': 'float32', 'sparse': False, 'name': 'input_1'}},
    {'class_name': 'Convolution2D', 'name': 'convolution2d_1', 'inbound_nodes': [[['input_1', 0, 0]]],
     'config': {'name': 'convolution2d_1', 'nb_filter': 2, 'nb_row': 3, 'nb_col': 2, 'border_mode': 'valid', 'subsample': [1, 1],
                'dim_ordering': 'th', 'init': 'glorot_uniform', 'activation': 'linear', 'bias': True, 'trainable': True,
                'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None, 'b_constraint': None}},
    {'class_name': 'Flatten', 'name': 'flatten_1', 'inbound_nodes': [[['convolution2d_1', 0, 0]]], 'config': {'name': 'flatten_1', 'trainable': True}},
    {'class_name': 'InputLayer', 'name': 'input_2', 'inbound_nodes': [],
     'config': {'batch_input_shape': [None, 4, 3], 'input_dtype': 'float32', 'sparse': False, 'name': 'input_2'}},
    {'class_name': 'LSTM', 'name': 'lstm_1', 'inbound_nodes': [[['input_2', 0, 0]]],
     'config': {'name': 'lstm_1', 'output_dim': 2, 'init': 'glorot_uniform', 'inner_init': 'orthogonal', 'forget_bias_init': 'one',
                'activation': 'tanh', 'inner_activation': 'hard_sigmoid', 'W_regularizer': None, 'U_regularizer': None, 'b_regularizer': None,
                'dropout_W': 0.0, 'dropout_U': 0.0, 'consume_less': 'cpu', 'return_sequences': False, 'go_backwards': False,
                'stateful': False, 'unroll': False, 'input_dim': 3, 'input_length': None, 'trainable': True}},
    {'class_name': 'Merge', 'name': 'merge_1', 'inbound_nodes': [[['flatten_1', 0, 0], ['lstm_1', 0, 0]]],
     'config': {'name': 'merge_1', 'mode': 'concat', 'concat_axis': -1, 'dot_axes': -1, 'mode_type': 'raw',
                'output_shape': None, 'output_shape_type': 'raw', 'output_mask': None, 'output_mask_type': 'raw', 'arguments': {}}},
    {'class_name': 'Dense', 'name': 'dense_1', 'inbound_nodes': [[['merge_1', 0, 0]]],
     'config': {'name': 'dense_1', 'output_dim': 1, 'init': 'glorot_uniform', 'activation': 'linear', 'bias': True, 'input_dim': 32,
                'trainable': True, 'W_regularizer': None, 'b_regularizer': None, 'activity_regularizer': None, 'W_constraint': None, 'b_constraint': None}},
], 'input_layers': [['input_1', 0, 0], ['input_2', 0, 0]], 'output_layers': [['dense_1', 0, 0]]}}

conv_W = arr(2, 1, 3, 2)  # Keras 1 'th': (nb_filter, stack_size, nb_row, nb_col)
conv_b = arr(2)
gates = 'icfo'  # Keras 1 LSTM trainable_weights: W, U, b of each gate i, c, f, o
lstm = {}
for gate in gates:
    lstm['W_' + gate], lstm['U_' + gate], lstm['b_' + gate] = arr(3, 2), arr(2, 2), arr(2)
dense_W, dense_b = arr(32, 1), arr(1)
lstm_list = [lstm[k + '_' + g] for g in gates for k in 'WUb']

with h5py.File(os.path.join(OUT, 'keras1-functional.h5'), 'w') as f:
    f.attrs['keras_version'] = b'1.2.1'
    f.attrs['model_config'] = json.dumps(k1_config).encode('utf8')
    save_weights(f.create_group('model_weights'), [
        ('input_1', []),
        ('convolution2d_1', [('convolution2d_1_W', conv_W), ('convolution2d_1_b', conv_b)]),
        ('flatten_1', []),
        ('input_2', []),
        ('lstm_1', [('lstm_1_%s_%s' % (k, g), lstm[k + '_' + g]) for g in gates for k in 'WUb']),
        ('merge_1', []),
        ('dense_1', [('dense_1_W', dense_W), ('dense_1_b', dense_b)]),
    ])

# What Keras 2's loader makes of them (preprocess_weights_for_loading, original_keras_version '1').
w = lstm_list
k1_expected = {
    'convolution2d_1': [values(np.transpose(conv_W, (2, 3, 1, 0))), values(conv_b)],
    'lstm_1': [values(np.concatenate([w[0], w[6], w[3], w[9]], axis=-1)),
               values(np.concatenate([w[1], w[7], w[4], w[10]], axis=-1)),
               values(np.concatenate([w[2], w[8], w[5], w[11]], axis=-1))],
    'dense_1': [values(dense_W), values(dense_b)],
}

# ---------------------------------------------------------------------------------------
# 3. CuDNNLSTM weights (Keras 2.2.4 save_weights) for an LSTM topology.

cudnn_arch = {'class_name': 'Sequential', 'keras_version': '2.2.4', 'config': {'name': 'seq', 'layers': [
    {'class_name': 'LSTM', 'config': {'name': 'lstm', 'units': 2, 'batch_input_shape': [None, 4, 3], 'dtype': 'float32',
                                      'activation': 'tanh', 'recurrent_activation': 'sigmoid', 'use_bias': True, 'return_sequences': False}}]}}
with open(os.path.join(OUT, 'lstm.arch.json'), 'w') as f:
    json.dump(cudnn_arch, f, indent=1)
c_kernel, c_rec, c_bias = arr(3, 8), arr(2, 8), arr(16)
with h5py.File(os.path.join(OUT, 'cudnn-lstm.weights.h5'), 'w') as f:
    save_weights(f, [('lstm', [('lstm/kernel:0', c_kernel), ('lstm/recurrent_kernel:0', c_rec), ('lstm/bias:0', c_bias)])], '2.2.4', 'tensorflow')


def transform_kernels(kernels, func, n_gates):
    return np.hstack([func(k) for k in np.hsplit(kernels, n_gates)])


cudnn_expected = [
    values(transform_kernels(c_kernel, lambda k: k.T.reshape(k.shape, order='F'), 4)),
    values(transform_kernels(c_rec, lambda k: k.T, 4)),
    values(np.sum(np.split(c_bias, 2, axis=0), axis=0)),
]

# ---------------------------------------------------------------------------------------
# 4. Names that are properties of every JavaScript object, as class, layer, weight and attribute names.

PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']
proto_layers = [{'class_name': 'InputLayer', 'name': 'input_1', 'inbound_nodes': [],
                 'config': {'batch_input_shape': [None, 4], 'input_dtype': 'float32', 'name': 'input_1'}}]
prev = 'input_1'
for i, cls in enumerate(PROTO):
    name = 'odd_%d' % i
    proto_layers.append({'class_name': cls, 'name': name, 'inbound_nodes': [[[prev, 0, 0]]],
                         'config': {'name': name, 'dim_ordering': PROTO[i], 'consume_less': PROTO[-1 - i], 'mode': cls, 'border_mode': cls}})
    prev = name
proto_layers.append({'class_name': 'Merge', 'name': 'merge_1', 'inbound_nodes': [[[prev, 0, 0], ['input_1', 0, 0]]],
                     'config': {'name': 'merge_1', 'mode': 'constructor', 'concat_axis': -1}})
proto_layers.append({'class_name': 'Dense', 'name': 'dense_1', 'inbound_nodes': [[['merge_1', 0, 0]]],
                     'config': {'name': 'dense_1', 'output_dim': 2, 'init': '__proto__', 'activation': 'toString', 'bias': True, 'input_dim': None}})
proto_config = {'class_name': 'Model', 'config': {'name': 'model_1', 'layers': proto_layers,
                                                   'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense_1', 0, 0]]}}
with h5py.File(os.path.join(OUT, 'proto-classes.h5'), 'w') as f:
    f.attrs['model_config'] = json.dumps(proto_config).encode('utf8')
    for p in PROTO:
        f.attrs[p] = p.encode('utf8')
    mw = f.create_group('model_weights')
    save_weights(mw, [('dense_1', [('dense_1_W', arr(4, 2)), ('dense_1_b', arr(2))])])
    mw.attrs['__proto__'] = b'x'

# A save_weights file whose layer names are those names: refused against small.arch.json, naming the layer.
with h5py.File(os.path.join(OUT, 'proto-layers.weights.h5'), 'w') as f:
    save_weights(f, [(p, [('%s/kernel:0' % p, arr(2))]) for p in PROTO], '2.3.1', 'tensorflow')

# The right layer names, weight names that are those names (datasets named constructor, toString, ...).
with h5py.File(os.path.join(OUT, 'proto-weights.weights.h5'), 'w') as f:
    save_weights(f, [
        ('conv', [('conv/constructor', small['conv_k']), ('conv/toString', small['conv_b'])]),
        ('fc', [('fc/hasOwnProperty', small['fc_k']), ('valueOf', small['fc_b'])]),
    ], '2.3.1', 'tensorflow')
    for p in PROTO:
        f.attrs[p] = p.encode('utf8')

# ---------------------------------------------------------------------------------------
# 5. Nested models, frozen: through an inner layer's trainable flag (tf.keras 2.4), and as a
#    whole (Keras 3 writes the nested model's own trainable).


def frozen_config(inner_flag, outer_flag):
    base = {'name': 'base', 'layers': [
        {'class_name': 'InputLayer', 'config': {'name': 'base_in', 'batch_input_shape': [None, 4], 'dtype': 'float32'}},
        {'class_name': 'Dense', 'config': {'name': 'd1', 'units': 3, 'trainable': inner_flag, 'use_bias': True, 'activation': 'linear'}},
        {'class_name': 'BatchNormalization', 'config': {'name': 'bn', 'trainable': True, 'axis': -1, 'center': True, 'scale': True}},
        {'class_name': 'Dense', 'config': {'name': 'd2', 'units': 2, 'trainable': True, 'use_bias': True, 'activation': 'linear'}},
    ]}
    if outer_flag is not None:
        base['trainable'] = outer_flag
    return {'class_name': 'Sequential', 'config': {'name': 'outer', 'layers': [
        {'class_name': 'InputLayer', 'config': {'name': 'inp', 'batch_input_shape': [None, 4], 'dtype': 'float32'}},
        {'class_name': 'Sequential', 'config': base},
        {'class_name': 'Dense', 'config': {'name': 'head', 'units': 1, 'trainable': True, 'use_bias': True, 'activation': 'linear'}},
    ]}}


for name, version, inner, outer in [('nested-frozen-layer.h5', '2.4.0', False, None), ('nested-frozen-model.h5', '3.10.0', True, False)]:
    with h5py.File(os.path.join(OUT, name), 'w') as f:
        f.attrs['keras_version'] = version.encode('utf8')
        f.attrs['backend'] = b'tensorflow'
        f.attrs['model_config'] = json.dumps(frozen_config(inner, outer)).encode('utf8')

expected = {
    'small': {'conv': [values(small['conv_k']), values(small['conv_b'])], 'fc': [values(small['fc_k']), values(small['fc_b'])]},
    'keras1-functional': k1_expected,
    'cudnn-lstm': {'lstm': cudnn_expected},
}

# ---------------------------------------------------------------------------------------
# 6. What h5py reads from the real files: one or two datasets of each, first values and sum.

REAL_PICKS = [
    ('olala7846__Behavioral-Cloning__model.h5', 'convolution2d_2', 0),
    ('ken107__CarND-Behavioral-Cloning-P3__model.h5', 'dense_1', 0),
    ('oarriaga__face_classification__trained_models__emotion_models__fer2013_mini_XCEPTION.102-0.66.hdf5', 'separable_conv2d_1', 1),
    ('15louafi__EnglishToKatakanaSeq2Seq__model.h5', 'time_distributed_1', 0),
    ('15louafi__EnglishToKatakanaSeq2Seq__model.h5', 'lstm_2', 2),
    ('0N1cky1__teachable-machine__keras_model.h5', 'sequential_9', 'block_3_expand_BN/moving_variance:0'),
    ('0N1cky1__teachable-machine__keras_model.h5', 'sequential_11', 'dense_Dense5/kernel:0'),
    ('24kshah__Emotion-detection__model.h5', 'batch_normalization_13', 2),
]
real = []
if os.path.isdir(REAL):
    for file, layer, pick in REAL_PICKS:
        with h5py.File(os.path.join(REAL, file), 'r') as f:
            g = f['model_weights'][layer]
            names = [n.decode('utf8') if isinstance(n, bytes) else n for n in g.attrs['weight_names']]
            name = names[pick] if isinstance(pick, int) else pick
            data = np.asarray(g[name], dtype='float64')
            real.append({'file': file, 'layer': layer, 'weight': name, 'index': names.index(name), 'shape': list(data.shape),
                         'first': [float(x) for x in data.reshape(-1)[:6]], 'sum': float(data.sum()), 'absSum': float(np.abs(data).sum())})
else:
    print('no %s: real-files values not recorded' % REAL, file=sys.stderr)
expected['real'] = real

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=0)
print('wrote', sorted(os.listdir(OUT)))
