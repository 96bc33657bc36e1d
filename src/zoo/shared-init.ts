import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.zeros>;
type InitializerClass = new () => Initializer;

/** tfjs' own Zeros and Ones classes (not exported by name): a subclass serialises as they do. */
const ZerosClass = tfl.initializers.zeros().constructor as InitializerClass;
const OnesClass = tfl.initializers.ones().constructor as InitializerClass;

/**
 * Constant weights that share one tensor per shape within a model: tfjs variables made from
 * the same tensor share its data (reference-counted), so a 4,000-layer ResNet allocates a
 * handful of zero-filled buffers instead of one per weight. Allocating every buffer made
 * building grow faster than the layer count (each new typed array cost more as the live
 * ones added up: `npm run bench:scale`). The values are those of tfjs' Zeros and Ones, and
 * a weight set later (setWeights, seeded weights) gets its own data: assign() replaces a
 * variable's data, never writes into it.
 */
export class SharedConstants {
  private readonly tensors = new Map<string, tfc.Tensor>();
  readonly zeros: Initializer;
  readonly ones: Initializer;

  constructor() {
    this.zeros = this.initializer(ZerosClass, 0);
    this.ones = this.initializer(OnesClass, 1);
  }

  private initializer(Base: InitializerClass, value: 0 | 1): Initializer {
    const tensors = this.tensors;
    return new (class extends Base {
      apply(shape: number[], dtype: tfc.DataType = 'float32'): tfc.Tensor {
        const key = `${value} ${dtype} ${shape.join('x')}`;
        let t = tensors.get(key);
        if (!t) {
          t = tfc.keep(value === 0 ? tfc.zeros(shape, dtype) : tfc.ones(shape, dtype));
          tensors.set(key, t);
        }
        // tfjs disposes what an initializer returns once the variable holds it.
        return t.clone();
      }
    })();
  }

  /** Drops this cache's own references; the variables made from it keep their data. */
  release(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}
