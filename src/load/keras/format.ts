import { DnarchError } from '../../errors.js';
import type { ModelFormat } from '../format.js';
import { isHdf5Magic, isZipMagic } from '../magic.js';
import { jsonObject, openLayersModel } from '../tfjs/format.js';

/** Keras files: a Keras 3 `.keras` zip archive, an HDF5 `.h5` save, a `to_json()` topology. */

export const KERAS_ARCHIVE_FORMAT: ModelFormat = { name: 'keras', match: (s) => isZipMagic(s.head), open: (s, opts) => openLayersModel(s, 'keras', opts) };

export const KERAS_H5_FORMAT: ModelFormat = {
  name: 'hdf5',
  match: (s) => isHdf5Magic(s.head),
  open: async (s) => {
    throw new DnarchError(
      'BAD_INPUT',
      `${s.file} is an HDF5 file (a Keras 2 .h5 model or weights): dnarch reads .keras archives, model.json, Keras to_json() files and ONNX; ` +
        'save with model.save("model.keras") or convert with tensorflowjs_converter',
    );
  },
};

/** A Keras `model.to_json()` file (`class_name` + `config`), or one wrapped as `{model_config, keras_version}`. */
export const KERAS_JSON_FORMAT: ModelFormat = {
  name: 'keras-json',
  match: async (s) => {
    const obj = await jsonObject(s);
    return obj !== undefined && ['class_name', 'model_config'].some((k) => Object.hasOwn(obj, k));
  },
  open: (s, opts) => openLayersModel(s, 'keras-json', opts),
};
