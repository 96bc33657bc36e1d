import type { ModelFormat } from '../format.js';
import { hasHdf5AfterUserBlock, isHdf5Magic, isZipMagic } from '../magic.js';
import { jsonObject, openLayersModel } from '../tfjs/format.js';

/** Keras files: a Keras 3 `.keras` zip archive, an HDF5 `.h5` save, a `to_json()` topology. */

export const KERAS_ARCHIVE_FORMAT: ModelFormat = { name: 'keras', match: (s) => isZipMagic(s.head), open: (s, opts) => openLayersModel(s, 'keras', opts) };

/** A Keras `.h5` save (model.save() of Keras 1, 2, tf.keras, Keras 3's legacy writer): topology from its model_config attribute. */
export const KERAS_H5_FORMAT: ModelFormat = {
  name: 'hdf5',
  match: async (s) => isHdf5Magic(s.head) || (await hasHdf5AfterUserBlock(s.file, s.size)),
  // A save_weights file holds no model: in a directory, it is no candidate beside its architecture.
  holdsModel: async (s) => {
    const { openH5 } = await import('./h5/open.js');
    const h5 = await openH5(s.file);
    try {
      return (await h5.root.attrs()).has('model_config');
    } finally {
      await h5.close();
    }
  },
  open: async (s, opts) => {
    const { h5Details, readKerasH5 } = await import('./h5/open.js');
    const model = await readKerasH5(s.file);
    const opened = await openLayersModel(s, 'hdf5', opts);
    opened.format.details = h5Details(model);
    if (model.kerasVersion === undefined || /^1\./.test(model.kerasVersion)) opened.notes.push('a Keras 1 model: its layers and arguments are read under their Keras 2 names, as Keras 2 loads them');
    return opened;
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
