/** The counting conventions, stated in every JSON report and in the README. */
export const CONVENTIONS: Readonly<Record<string, string>> = {
  macs:
    'multiply-accumulates of Conv1D/2D/3D, DepthwiseConv2D, SeparableConv2D (depthwise + pointwise), ' +
    'Conv2DTranspose, Dense and recurrent matmuls, batch 1 (what papers and torchvision call FLOPs)',
  flops:
    '2 x MACs plus element-wise work: bias adds, batch-norm (2/element), activations (per-function table), ' +
    'merges (inputs - 1 per element), pooling (window per output), global pooling (1 per input element)',
  params: 'as Keras model.summary(): non-trainable = BatchNormalization moving mean and variance',
  depth: 'number of layers that own weights (the keras.io Depth column)',
  layers: 'len(model.layers), InputLayer included',
  activations: 'float32, batch 1; peak = largest live set when layers run in topological order',
};
