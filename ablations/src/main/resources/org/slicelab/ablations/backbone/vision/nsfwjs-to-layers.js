// Converts one nsfwjs model directory (package/dist/models/<name>/ of the npm package: a UMD module
// model.min.js exporting {modelTopology, weightsManifest} and group1-shardNofM.min.js modules
// exporting one base64 string each) into the standard TF.js layers format: model.json
// (format "layers-model", modelTopology, weightsManifest) and one binary shard.
//
//   node nsfwjs-to-layers.js <model dir> <output dir>
//
// Keras models (modelTopology.model_config) are written unchanged, their weight bytes
// (uint8-quantized) re-packed into one shard. A TF.js graph model (mobilenet_v2_mid: a frozen TF
// graph with batch norm folded into the convolutions) is rewritten as a Keras functional model
// with the same weights: _FusedConv2D / FusedDepthwiseConv2dNative (BiasAdd [, Relu | Relu6]) ->
// Conv2D / DepthwiseConv2D with a bias and an activation, AddV2 -> Add, AvgPool ->
// AveragePooling2D, Squeeze of 1x1 spatial dims -> Flatten, _FusedMatMul (BiasAdd) [+ Softmax]
// -> Dense; the input scaling the graph applies first (x * m - s) becomes the model's image
// normalisation (mean s / m, std 1 / m after nsfwjs' division by 255). Any other op is an error.
//
// Both kinds get userDefinedMetadata.slicelab.imageNormalization {scale, mean, std}: nsfwjs feeds
// every model RGB pixels divided by 255 (dist/cjs/core.js, NSFWJS.infer).
'use strict';
const fs = require('fs');
const path = require('path');

const [modelDir, outDir] = process.argv.slice(2);
if (!modelDir || !outDir) {
  console.error('usage: node nsfwjs-to-layers.js <model dir> <output dir>');
  process.exit(2);
}

const model = require(path.resolve(modelDir, 'model.min.js'));
const BYTES = {float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2};

function shardBytes(group) {
  return Buffer.concat(group.paths.map(
      (p) => Buffer.from(require(path.resolve(modelDir, p + '.min.js')), 'base64')));
}

/** Every manifest entry with its bytes: [{spec, bytes}], in manifest order. */
function manifestEntries(manifest) {
  const out = [];
  for (const group of manifest) {
    const data = shardBytes(group);
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const dtype = spec.quantization ? spec.quantization.dtype : spec.dtype;
      if (!BYTES[dtype]) {
        throw new Error('weight ' + spec.name + ' has dtype ' + dtype);
      }
      const size = count * BYTES[dtype];
      out.push({spec, bytes: data.subarray(offset, offset + size)});
      offset += size;
    }
    if (offset !== data.length) {
      throw new Error('manifest covers ' + offset + ' bytes of ' + data.length);
    }
  }
  return out;
}

function dequantizeScalar(entry) {
  const q = entry.spec.quantization;
  if (!q) {
    return entry.bytes.readFloatLE(0);
  }
  const raw = q.dtype === 'uint8' ? entry.bytes.readUInt8(0) : entry.bytes.readUInt16LE(0);
  return q.min + q.scale * raw;
}

function attrString(attr) {
  return Buffer.from(attr.s, 'base64').toString('utf8');
}

function attrInts(attr) {
  return attr.list.i.map(Number);
}

/** The Keras functional model equivalent to a TF.js graph model of this vocabulary. */
function graphToKeras(graph, entries) {
  const byName = new Map(entries.map((e) => [e.spec.name, e]));
  const consts = new Set(graph.node.filter((n) => n.op === 'Const').map((n) => n.name));
  const nodes = graph.node.filter((n) => n.op !== 'Const');
  // layer names: scopes below the convolution kernels' common scope, '/' -> '_'
  const scopes = nodes.filter((n) => n.op.includes('Conv'))
      .map((n) => n.input[1].split('/').slice(0, -1));
  let common = 0;
  while (scopes.every((c) => c.length > common + 1 && c[common] === scopes[0][common])) {
    common++;
  }
  const prefix = scopes[0].slice(0, common).join('/') + '/';
  const strip = (scope) => scope.startsWith(prefix) ? scope.slice(prefix.length).replace(/\//g, '_')
      : scope.split('/').slice(-2, -1)[0];
  const layerOf = new Map();
  const layers = [];
  const weights = [];
  let normalization = null;
  const consumers = (name) => nodes.filter((n) => (n.input || []).includes(name));
  const inbound = (names) => [names.map((t) => [layerOf.get(t), 0, 0, {}])];
  const keep = (from, to) => weights.push({...byName.get(from), name: to});
  for (const node of nodes) {
    const a = node.attr || {};
    const inputs = (node.input || []).filter((i) => !consts.has(i));
    const weightInputs = (node.input || []).filter((i) => consts.has(i));
    switch (node.op) {
      case 'Placeholder': {
        const dims = a.shape.shape.dim.map((d) => Number(d.size));
        layers.push({name: 'input', class_name: 'InputLayer', inbound_nodes: [],
          config: {name: 'input', batch_input_shape: [null, ...dims.slice(1)], dtype: 'float32',
            sparse: false}});
        layerOf.set(node.name, 'input');
        break;
      }
      case 'Mul':
      case 'Sub': {
        if (inputs.length !== 1 || weightInputs.length !== 1 || layerOf.get(inputs[0]) !== 'input') {
          throw new Error('unsupported ' + node.op + ' ' + node.name + ': only x * m - s on the input');
        }
        const value = dequantizeScalar(byName.get(weightInputs[0]));
        normalization = normalization || {multiply: 1, subtract: 0};
        if (node.op === 'Mul') {
          normalization.multiply *= value;
          normalization.subtract *= value;
        } else {
          normalization.subtract += value;
        }
        layerOf.set(node.name, 'input');
        break;
      }
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative': {
        const fused = a.fused_ops.list.s.map((s) => Buffer.from(s, 'base64').toString('utf8'));
        if (fused[0] !== 'BiasAdd' || fused.length > 2) {
          throw new Error('unsupported fused ops ' + fused + ' in ' + node.name);
        }
        const activation = {undefined: 'linear', Relu: 'relu', Relu6: 'relu6'}[fused[1]];
        if (!activation || attrString(a.data_format) !== 'NHWC') {
          throw new Error('unsupported activation or layout in ' + node.name);
        }
        const [kernelName, biasName] = weightInputs;
        const kernel = byName.get(kernelName).spec.shape;
        const name = strip(kernelName.split('/').slice(0, -1).join('/'));
        const depthwise = node.op === 'FusedDepthwiseConv2dNative';
        const strides = attrInts(a.strides).slice(1, 3);
        const config = {name, trainable: true, kernel_size: kernel.slice(0, 2), strides,
          padding: attrString(a.padding).toLowerCase(), data_format: 'channels_last',
          dilation_rate: attrInts(a.dilations).slice(1, 3), activation, use_bias: true};
        if (depthwise) {
          config.depth_multiplier = kernel[3];
        } else {
          config.filters = kernel[3];
        }
        layers.push({name, class_name: depthwise ? 'DepthwiseConv2D' : 'Conv2D', config,
          inbound_nodes: inbound(inputs)});
        keep(kernelName, name + (depthwise ? '/depthwise_kernel' : '/kernel'));
        keep(biasName, name + '/bias');
        layerOf.set(node.name, name);
        break;
      }
      case 'AddV2': {
        const name = strip(node.name);
        layers.push({name, class_name: 'Add', config: {name, trainable: true},
          inbound_nodes: inbound(inputs)});
        layerOf.set(node.name, name);
        break;
      }
      case 'AvgPool': {
        const name = strip(node.name);
        layers.push({name, class_name: 'AveragePooling2D', inbound_nodes: inbound(inputs),
          config: {name, trainable: true, pool_size: attrInts(a.ksize).slice(1, 3),
            strides: attrInts(a.strides).slice(1, 3), padding: attrString(a.padding).toLowerCase(),
            data_format: 'channels_last'}});
        layerOf.set(node.name, name);
        break;
      }
      case 'Squeeze': {
        const dims = attrInts(a.squeeze_dims);
        if (dims.join() !== '1,2') {
          throw new Error('unsupported squeeze dims ' + dims + ' in ' + node.name);
        }
        const name = strip(node.name);
        layers.push({name, class_name: 'Flatten', inbound_nodes: inbound(inputs),
          config: {name, trainable: true, data_format: 'channels_last'}});
        layerOf.set(node.name, name);
        break;
      }
      case '_FusedMatMul': {
        const fused = a.fused_ops.list.s.map((s) => Buffer.from(s, 'base64').toString('utf8'));
        if (fused.join() !== 'BiasAdd' || a.transpose_a.b || a.transpose_b.b) {
          throw new Error('unsupported matmul ' + node.name);
        }
        const [kernelName, biasName] = weightInputs;
        const name = strip(node.name);
        const next = consumers(node.name);
        const softmax = next.length === 1 && next[0].op === 'Softmax';
        layers.push({name, class_name: 'Dense', inbound_nodes: inbound(inputs),
          config: {name, trainable: true, units: byName.get(kernelName).spec.shape[1],
            activation: softmax ? 'softmax' : 'linear', use_bias: true}});
        keep(kernelName, name + '/kernel');
        keep(biasName, name + '/bias');
        layerOf.set(node.name, name);
        if (softmax) {
          layerOf.set(next[0].name, name);
        }
        break;
      }
      case 'Softmax':
        if (!layerOf.has(node.name)) {
          throw new Error('unsupported Softmax ' + node.name + ' (only after a MatMul)');
        }
        break;
      case 'Identity':
        layerOf.set(node.name, layerOf.get(inputs[0]));
        break;
      default:
        throw new Error('unsupported graph op ' + node.op + ' (' + node.name + ')');
    }
  }
  const outputs = Object.values(model.userDefinedMetadata.signature.outputs)
      .map((o) => [layerOf.get(o.name.split(':')[0]), 0, 0]);
  const topology = {keras_version: '2.2.4', backend: 'tensorflow',
    model_config: {class_name: 'Model', config: {name: path.basename(path.resolve(modelDir)),
      layers, input_layers: [['input', 0, 0]], output_layers: outputs}}};
  return {topology, weights, normalization};
}

const entries = manifestEntries(model.weightsManifest);
let topology;
let kept;
let mean = [0, 0, 0];
let std = [1, 1, 1];
if (model.modelTopology.model_config) {
  topology = model.modelTopology;
  kept = entries.map((e) => ({...e, name: e.spec.name}));
} else if (model.format === 'graph-model') {
  const converted = graphToKeras(model.modelTopology, entries);
  topology = converted.topology;
  kept = converted.weights;
  if (converted.normalization) {
    const m = converted.normalization.multiply;
    mean = mean.map(() => converted.normalization.subtract / m);
    std = std.map(() => 1 / m);
  }
} else {
  throw new Error(modelDir + ' is neither a Keras layers model nor a TF.js graph model');
}
const shard = 'group1-shard1of1.bin';
const json = {
  format: 'layers-model',
  generatedBy: 'nsfwjs@4.4.0 ' + path.basename(path.resolve(modelDir)),
  convertedBy: 'SliceLab nsfwjs-to-layers.js',
  modelTopology: topology,
  weightsManifest: [{paths: [shard], weights: kept.map((e) => ({...e.spec, name: e.name}))}],
  userDefinedMetadata: {slicelab: {imageNormalization: {scale: 1 / 255, mean, std}}},
};
fs.mkdirSync(outDir, {recursive: true});
fs.writeFileSync(path.join(outDir, shard), Buffer.concat(kept.map((e) => e.bytes)));
fs.writeFileSync(path.join(outDir, 'model.json'), JSON.stringify(json));
console.log(JSON.stringify({layers: topology.model_config.config.layers.length,
  weights: kept.length, bytes: kept.reduce((n, e) => n + e.bytes.length, 0)}));
