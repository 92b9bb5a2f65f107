"""Differential fuzzing of layer constructor arguments: a seed draws, for each case, a layer
class of `keras.layers` that numkeras has, a few of the non-default arguments Keras documents
for it (data_format="channels_first", dilation, groups, causal padding, return_sequences /
return_state, go_backwards, stateful, use_bias=False, dtype policies, regularizers and
constraints given by name, ...) and a random input of a rank the layer accepts. Keras 3 and
numkeras (one process: both are importable from /work/kenv) each build the layer on that
input, numkeras with Keras's weights (get_weights / set_weights), and the case compares:
whether the layer builds and calls (else the built-in exception class), the output's shape,
dtype and values (also called with drawn options: training, a mask of the steps, causal
attention, scores), the weights' paths, shapes and order (and their values after the call:
BatchNormalization's moving statistics), the regularization losses,
get_config, compute_output_shape and a functional model's symbolic output.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/fuzz/fuzz_layer_args.py SEED COUNT [CLASS ...]

prints one block per divergence and a count. Known differences, not compared: layers of
dtype float64 (Keras-JAX computes them in float32: their values and dtypes); float16 values
within float16's rounding; spectrogram values within 1e-3 (Keras-JAX's float32 FFTs of 2048
points are off by 2.5e-4 relative, numkeras's by 5e-5); EinsumDense's output shape (numkeras
gives an axis the input shares the input's size where Keras keeps `output_shape`'s None);
MultiHeadAttention with `value_dim != key_dim` (Keras-JAX's fused attention crashes, "cannot
reshape array"; Keras on torch computes it, as numkeras: tests/layers/test_layer_args_2.py);
RandomCrop's shape, dtype, values and penalty at inference (Keras 3.15 returns the input:
README); `reset_states()` of a stateful RNN of several cells (Keras crashes, "'list' object
has no attribute 'assign'": the fuzzer zeroes Keras's states itself); a masked RNN's values
(and activity penalties) with `unroll=True` and `zero_output_for_mask=True` (Keras's
unrolled loop ignores the latter: README); RMSNormalization over an axis other than the last
ones (Keras broadcasts `scale` along the last axes: a shape error, or wrong values;
numkeras/layers/rms_normalization.py); SimpleRNN's `activity_regularizer` (Keras's SimpleRNN
drops it, unlike LSTM and GRU: its config says None and it adds no loss; README); the
nesting of an RNN's states over a list of cells (outputs flattened: Keras's eager call gives
a one-tensor state as `[h]`, its symbolic call and numkeras as `h`); a functional model of a
layer whose config Keras cannot load back (RandomShear's `x_factor=(-f, f)`:
numkeras/layers/random_shear.py); a seed Keras or numkeras draws when none is given (popped
from the configs). Equalization runs on one image (Keras pools the histograms of a batch:
numkeras/layers/equalization.py). Keras crashes that numkeras computes through (README):
Keras-JAX's Orthogonal initializer on float16 weights ("Unsupported dtype float16"), and
Identity's and ELU's config with a DTypePolicy object ("non-serializable argument values":
the two classes without their own get_config). A Pipeline's `compute_output_shape` (Keras's
has none: NotImplementedError; numkeras's gives its layers' shapes). A float16 layer's
`losses` compare within 1e-2 (Keras computes its penalties in float16, each sum rounded).
SimpleRNN's `activity_regularizer="l1_l2"` (not a name: Keras, which never reads the
argument, takes it; numkeras refuses it). The augmentation layers are called with
`training=False` (Keras's default there is True: random values). Not drawn: float16 RNNs
(Keras-JAX crashes: "Unsupported dtype float16"), Hashing, IntegerLookup, StringLookup,
TextVectorization and HashedCrossing (Keras needs TensorFlow for them); BatchNormalization's
`renorm` (not in numkeras: README); LoRA's `lora_alpha` (README: Keras drops it);
`quantization_config`; `sparse=True` (numkeras has no sparse arrays: README);
Discretization's `num_bins` / `epsilon` (they need `adapt`); CutMix, MixUp, AugMix,
RandAugment, the Keras 2 `weights=` argument. A pooling window larger than its input
(padding="valid"): Keras's eager call gives an empty output, its symbolic call and numkeras
refuse it.

Session 25 added draws for the documented arguments not drawn before: the initializers of
Dense, EinsumDense, Embedding (and its required `input_dim`), the depthwise / separable
kernels and the normalizations; `lora_rank`; the RNNs' `bias_initializer`,
`activity_regularizer`, `bias_constraint`, `dropout`, `recurrent_dropout`, `seed`,
`recurrent_activation` and `use_cudnn`; ConvLSTM1D/2D's remaining arguments (strides,
activations, initializers, regularizers, constraints, dropouts, `stateful`) and ConvLSTM3D;
BatchNormalization's moving-statistics initializers, `beta_constraint` and `synchronized`;
GroupNormalization's `epsilon`; MultiHeadAttention's `dropout`, `seed`, `attention_axes`,
`flash_attention`, `use_gate`, `sliding_window` and bias arguments; GroupedQueryAttention's;
Attention / AdditiveAttention's `dropout`; Resizing's `fill_mode`, `fill_value` and
`antialias`; ZeroPadding1D's `data_format`; SpatialDropout's `seed` and `dtype`; and the
classes AdaptiveAveragePooling1D/3D, AdaptiveMaxPooling2D/3D, GlobalMaxPooling3D, Add,
Average, Maximum, Minimum, Multiply, AlphaDropout, GaussianDropout, SpatialDropout3D, RNN
(cells and lists of cells), ReversibleEmbedding, STFTSpectrogram, MelSpectrogram,
AutoContrast, Equalization, Solarization, ContrastLimitedAdaptiveHistogramEqualization and
the Random* image layers. Seeds used: up to 3030 (session 25: 3000-3030).

Session 26 (it ran seeds 3023-3050) added, for seeds from EXTENDED_FROM = 3037 only (EXTRA_ARGS,
EXTRA_SPECS: drawn after each menu's own arguments, the classes after the others, so an
earlier seed draws exactly what it drew before): MultiHeadAttention's and
GroupQueryAttention's `activity_regularizer`, GroupQueryAttention's `sliding_window`,
`flash_attention` and `use_gate`, ReversibleEmbedding's `embeddings_constraint` and
`reverse_dtype`, CLAHE's `data_format`, the image layers' remaining `seed`, `data_format`,
`value_range`, `interpolation`, `fill_mode` and `fill_value` arguments (RandomColorJitter's
`saturation_factor`, RandomErasing's `fill_value`), and the classes RandomElasticTransform,
RandomPerspective and Pipeline (its `layers` built fresh, as a wrapper's layer). Not drawn:
Keras's aliases (MaxPool2D, Convolution2D, GlobalAvgPool1D, ...: the same classes),
Lambda, InputLayer, the cells and StackedRNNCells called on their own (the RNN menu has
them), MaxNumBoundingBoxes (bounding boxes), the `name` argument, RandomTranslation's
`seed` and the `data_format` of RandomColorDegeneration, RandomColorJitter, RandomErasing,
RandomGaussianBlur, RandomShear, RandomTranslation, RandomZoom and RandomPerspective (at
inference they return their input either way). Seeds used: up to 3050.

Session 27 (it ran seeds 3051-3080) added, for the classes whose menus lacked them, the base
layer's `dtype` (no float16 for ConvLSTM*, RNN and Bidirectional) and `activity_regularizer`
from seed EXTENDED_2_FROM = 3066 on, and `trainable=False` from EXTENDED_3_FROM = 3073 on
(every class), each drawn after the menu's other arguments; a float16 spectrogram compares
within float16's rounding. Not drawn: the base layer's `autocast=False` (numkeras ignores it;
Keras 3.15's effect depends on the layer: under a mixed_float16 policy an eager Dense, PReLU
or weightless layer (Activation, pooling, Flatten, Add, ...) then returns float32 while its
symbolic call says float16, and the Conv, normalization, recurrent and attention layers
compute as with `autocast=True`). SpatialDropout1D/2D/3D and Discretization take the base
layer's `activity_regularizer` and `trainable` (and Keras 2's input shapes), as their Keras 2
constructors did and tf_keras's configs need; Keras 3's refuse them (TypeError). So does
Keras's Pipeline, which passes its inputs on unconverted; numkeras's converts them to its
own `dtype` (`dtype="float64"` keeps a float64 pipeline's precision) and takes the base
layer's arguments. The variables' own `trainable` flags of a layer made with
`trainable=False` (its `trainable_weights` are compared): Keras's differ by class (LSTM's
cell takes the argument, ConvLSTM's cell and MultiHeadAttention's projections keep True),
numkeras's ConvLSTM and MultiHeadAttention say False. Seeds used: up to 3080.

Session 28 (it ran seeds 3081-3115; no class or documented argument was left undrawn but
those listed above) added, for seeds from EXTENDED_4_FROM = 3096 on only, more values of
the arguments the menus draw (appended after each menu's own values, so the default stays
first): every activation of `keras.activations` by name for `activation` and
`recurrent_activation` (ACTIVATIONS_4: not "glu", which halves the last axis while
Keras's compute_output_shape keeps it, "sparsemax", wrong in Keras-JAX (README), or
"threshold", which needs its own arguments), more initializers (INIT_4: names and config
dicts; not "identity": Keras's config of it drops `gain`, numkeras's keeps it on purpose),
regularizers (REG_4: config dicts, "orthogonal_regularizer") and constraints (CON_4) for
every `*_initializer`, `*_regularizer` and `*_constraint`, a tuple of `strides`,
`dilation_rate` and `pool_size` per axis; the legacy arguments Keras 3 still takes and
ignores with a warning (LEGACY_4: Embedding's `input_length`, LSTM / GRU's
`implementation`, LeakyReLU's `alpha`); and, drawn last, the base layer's `name` and
Keras 2's `input_shape` (the sample's shape, for one-input layers). Known differences
since: Keras's ELU and Identity (the classes without their own get_config: Keras records
their constructor's arguments) keep `input_shape` in their config, every other layer and
numkeras's do not (Keras's popped before comparing); a float16 layer's `losses` compare
within 1e-2 (1e-3 before: Keras's float16 sums round at each addition). The runs found no
numkeras bug; probes of the arguments' types and spellings beside them found Flatten's
and SpatialDropout2D/3D's `data_format` (any case; Flatten's None is
`image_data_format()`'s) and the TypeErrors of BatchNormalization's list `axis`, a size
that is no integer and UnitNormalization's `axis` (tests/layers/test_fuzz_found_s28e.py).
Seeds used: up to 3115.

Session 29 ran the second pass's 3102-3105 and 3111-3115 (30 cases each: none differed;
the menus' arguments had gone stale) and added, for seeds from EXTENDED_5_FROM = 3116 on,
the documented call arguments the cases never gave (CALL_OPTIONS_5, drawn after the other
call options): the recurrent layers' `initial_state` (random states in the structure of
the layer's `get_initial_state`), Attention's and AdditiveAttention's `mask=[query mask,
value mask]`, MultiHeadAttention's and GroupQueryAttention's `query_mask`, `value_mask`,
`key_mask` and `attention_mask`, and the `mask` of Softmax, BatchNormalization,
GlobalAveragePooling1D and TimeDistributed. Its probes found a recurrent layer's `mask=`
beside `initial_state=` ignored (and refused in a graph) and GroupQueryAttention's
`query_mask=` ignored (tests/layers/test_layer_args_s29.py). Not drawn: a ConvLSTM's
`mask` (Keras-JAX crashes: "Incompatible shapes for broadcasting"; numkeras computes it,
as Keras on TensorFlow), its `initial_state`. Known difference since: SimpleRNN's
`activity_regularizer="orthogonal_regularizer"` on a sequence output (numkeras raises
the ValueError Keras's LSTM raises; Keras's SimpleRNN never applies it). A
BatchNormalization mask of the wrong rank is now refused in inference too, as Keras does
(seed 3117's TimeDistributed(BatchNormalization()) with a mask). Known difference: the
states' dtype of a Bidirectional of a mixed policy whose inner layers are float32 (Keras's
eager call returns them float32, its symbolic call says float16; numkeras gives float16
both ways, seed 3128); and seed 3119's unrolled-loop penalties above. Seeds used: up to 3145
(3116: 4 cases of the recurrent and attention classes; 3117-3130: 3 cases each of the
classes CALL_OPTIONS_5 names; 3131-3145: 3 cases each of every class; 3118-3121 again
with 7 cases each of the CALL_OPTIONS_5 classes).

Session 30 (3146 and 3147 first ran, 30 cases each, before its draws: none differed)
added, for seeds from EXTENDED_6_FROM = 3146 on, after session 28's menu:
initializers, regularizers, constraints and activations given as objects (INIT_6, REG_6,
CON_6, ACT_6: `{"object": module, "class_name": ..., "config": ...}`, built by each library
from its own module; class names as strings), dtype policies as objects of float32 /
float64 and as config dicts ("dict:", DTYPES_6), Keras 2's `input_dim` ("sample_dim": the
sample's size, one-input classes), and per class (ARGS_6) more values: strides of 3 and
`output_padding` (2, or per axis) for the transposed convolutions, pooling windows of 1
and strides per axis, cropping and padding per side, UpSampling2D's other interpolations,
Reshape's and Permute's other targets (and a rank-4 Permute), Dot's axes pairs,
Concatenate's and Softmax's other axes (Softmax: a tuple), ReLU / ELU / LeakyReLU
extremes, Rescaling's per-channel scale and offset, a CenterCrop larger than its input,
Resizing's lanczos and area, ids of rank 1 and 3 for CategoryEncoding and Embedding,
Normalization's per-feature mean and variance and tuple axes, more axes for the other
normalizations, EinsumDense's "...b,bc->...c", MultiHeadAttention's `attention_axes=(1,
2)`, more wrapped layers (Bidirectional, TimeDistributed, SpectralNormalization on rank 3)
and the noise layers' zero rates; and, drawn after CALL_OPTIONS_5 (CALL_OPTIONS_6):
the attention layers' `key`, ReversibleEmbedding's `reverse=True`, CategoryEncoding's
`count_weights`, an explicit `training` (True only where nothing random is drawn) and
masks the inputs carry ("carried_mask", as a layer before gives them). The outputs'
`_keras_mask` is compared (every seed). Its runs found: SpectralNormalization dropped the
mask its wrapped layer passes on; MultiHeadAttention / GroupQueryAttention joined an
explicit `value_mask=` with the value's own mask when no key was given, and lost the
inputs' masks when the layer's dtype cast them (float64, float16)
(tests/layers/test_layer_args_30.py). Known differences since: Keras's no-op layers
(Cropping1D((0, 0)), Permute((1, 2)), ...) return their input, mask and all (numkeras's
do not support masking: no mask); Keras's MultiHeadAttention scores carry the mask its
inner Softmax recorded (only the first output's mask is compared); CategoryEncoding's
multi_hot / count of ids of rank 3: Keras's eager call folds axis 1 (`(2, 5, 2) -> (2, 2,
8)`, as numkeras) while its compute_output_shape and symbolic call say `(None, 5, 8)`
(numkeras's agree with the call); Keras's ELU and Identity keep `input_dim` in their
config, as `input_shape`, and cannot write it with an object argument (a regularizer, ...);
the mask of a SpectralNormalization of another dtype than float32 (Keras casts the wrapped
layer's output to it, a new tensor without the mask; numkeras keeps it: README).
The output dtype of a mixed TimeDistributed of a float32 LSTM (Keras's eager call
float32, its symbolic call float16, numkeras's float16 both ways, as the Bidirectional
states above; seed 3158). Left open: ReversibleEmbedding's `reverse=True` under
mixed_float16 (Keras's eager call reads the float32 table and returns float32 logits,
with or without `reverse_dtype="float32"`; its symbolic call says float16; numkeras
gives float16 both ways: the dtypes are not compared there). Seeds used: up to 3159
(with its draws: 3146, 3147, 3152, 3155, 3156, 3157, 3159: 40-50 cases of every class;
3148, 3150: 40 and 50 of the reshaping, pooling, padding and activation classes ARGS_6
names; 3149, 3151, 3153, 3154, 3158: 40-50 of the attention, recurrent, normalization,
embedding and wrapper classes).
"""

from __future__ import annotations

import copy
import json
import re
import sys
import warnings

import numpy as np

B = 2  # (batch size)

REG = [None, "l1", "l2", "l1_l2"]
CON = [None, "non_neg", "unit_norm", "max_norm"]
DTYPES = [None, "float64", "mixed_float16", "float16", "policy:mixed_float16", "policy:float16"]
INIT = [None, "he_normal", "zeros", "lecun_uniform", "orthogonal", "truncated_normal"]


def _conv(rank: int, transpose: bool = False, separable: bool = False, depthwise: bool = False):
    args = {
        "kernel_size": [2, 3, (2,) * rank, (3,) + (1,) * (rank - 1)],
        "strides": [1, 2],
        "padding": ["valid", "same"] + (["causal"] if rank == 1 and not transpose else []),
        "data_format": ["channels_last", "channels_first"],
        "dilation_rate": [1, 2],
        "activation": [None, "relu", "tanh"],
        "use_bias": [True, False],
        "bias_initializer": ["zeros", "ones"],
        "kernel_initializer": INIT,
        "bias_regularizer": REG,
        "activity_regularizer": REG,
        "bias_constraint": CON,
        "dtype": DTYPES,
    }
    if depthwise:
        args.update(
            depth_multiplier=[1, 2],
            depthwise_initializer=INIT,
            depthwise_regularizer=REG,
            depthwise_constraint=CON,
        )
    elif separable:
        args.update(
            filters=[4, 2],
            depth_multiplier=[1, 2],
            depthwise_initializer=INIT,
            pointwise_initializer=INIT,
            depthwise_regularizer=REG,
            pointwise_regularizer=REG,
            depthwise_constraint=CON,
            pointwise_constraint=CON,
        )
    else:
        args.update(
            filters=[4, 2, 6],
            kernel_regularizer=REG,
            kernel_constraint=CON,
        )
        if not transpose:
            args["groups"] = [1, 2]
        else:
            args["output_padding"] = [None, 1]
    return args


# the penalties, constraints and dropouts every recurrent layer takes (in this order: the
# menus' order is part of what a seed draws)
_RECURRENT_EXTRAS = {
    "kernel_regularizer": REG,
    "recurrent_regularizer": REG,
    "bias_regularizer": REG,
    "activity_regularizer": REG,
    "kernel_constraint": CON,
    "recurrent_constraint": CON,
    "bias_constraint": CON,
    "dropout": [0.0, 0.3],
    "recurrent_dropout": [0.0, 0.2],
    "seed": [None, 7],
}


def _rnn():
    # (no float16: Keras-JAX's RNNs crash on it, "Unsupported dtype float16")
    return {
        "units": [3, 2],
        "activation": ["tanh", "relu"],
        "kernel_initializer": INIT,
        "recurrent_initializer": [None, "orthogonal", "glorot_uniform"],
        "use_bias": [True, False],
        "return_sequences": [False, True],
        "return_state": [False, True],
        "go_backwards": [False, True],
        "stateful": [False, True],
        "unroll": [False, True],
        "bias_initializer": [None, "ones", "random_normal"],
        **_RECURRENT_EXTRAS,
        "dtype": [None, "float64", "mixed_float16", "policy:mixed_float16"],
    }


def _conv_lstm(rank: int):
    return {
        "filters": [2, 3],
        "kernel_size": [2, 3] if rank == 1 else [2, (1, 2) + (1,) * (rank - 2)],
        "strides": [1, 2],
        "padding": ["valid", "same"],
        "data_format": ["channels_last", "channels_first"],
        "dilation_rate": [1, 2],
        "activation": ["tanh", "relu"],
        "recurrent_activation": ["sigmoid", "hard_sigmoid", "tanh"],
        "use_bias": [True, False],
        "kernel_initializer": INIT,
        "recurrent_initializer": [None, "orthogonal", "glorot_uniform"],
        "bias_initializer": [None, "ones"],
        "unit_forget_bias": [True, False],
        **_RECURRENT_EXTRAS,
        "return_sequences": [False, True],
        "return_state": [False, True],
        "go_backwards": [False, True],
        "stateful": [False, True],
    }


def _cell(name: str, units: int, **config) -> dict:
    return {"class_name": name, "config": {"units": units, **config}}


def _pool(rank: int, global_: bool = False):
    if global_:
        return {"data_format": ["channels_last", "channels_first"], "keepdims": [False, True]}
    return {
        "pool_size": [2, 3],
        "strides": [None, 1, 2],
        "padding": ["valid", "same"],
        "data_format": ["channels_last", "channels_first"],
    }


# class -> (input rank(s), arguments: name -> [default, other values...])
# SpatialDropout2D's and 3D's menu (one dict: read, never changed)
SPATIAL_DROPOUT = {
    "rate": [0.5],
    "data_format": [None, "channels_first"],
    "seed": [None, 3],
    "dtype": DTYPES,
}

SPECS = {
    "Dense": (
        [2, 3],
        {
            "units": [4, 1],
            "activation": [None, "relu", "softmax"],
            "use_bias": [True, False],
            "kernel_initializer": INIT,
            "bias_initializer": [None, "ones", "random_normal"],
            "lora_rank": [None, 2],
            "kernel_regularizer": REG,
            "bias_regularizer": REG,
            "activity_regularizer": REG,
            "kernel_constraint": CON,
            "bias_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "Conv1D": ([3], _conv(1)),
    "Conv2D": ([4], _conv(2)),
    "Conv3D": ([5], _conv(3)),
    "Conv1DTranspose": ([3], _conv(1, transpose=True)),
    "Conv2DTranspose": ([4], _conv(2, transpose=True)),
    "Conv3DTranspose": ([5], _conv(3, transpose=True)),
    "SeparableConv1D": ([3], _conv(1, separable=True)),
    "SeparableConv2D": ([4], _conv(2, separable=True)),
    "DepthwiseConv1D": ([3], _conv(1, depthwise=True)),
    "DepthwiseConv2D": ([4], _conv(2, depthwise=True)),
    "MaxPooling1D": ([3], _pool(1)),
    "AveragePooling1D": ([3], _pool(1)),
    "MaxPooling2D": ([4], _pool(2)),
    "AveragePooling2D": ([4], _pool(2)),
    "MaxPooling3D": ([5], _pool(3)),
    "AveragePooling3D": ([5], _pool(3)),
    "GlobalMaxPooling1D": ([3], _pool(1, True)),
    "GlobalAveragePooling1D": ([3], _pool(1, True)),
    "GlobalMaxPooling2D": ([4], _pool(2, True)),
    "GlobalAveragePooling2D": ([4], _pool(2, True)),
    "GlobalAveragePooling3D": ([5], _pool(3, True)),
    "SimpleRNN": ([3], _rnn()),
    "GRU": (
        [3],
        {
            **_rnn(),
            "recurrent_activation": ["sigmoid", "hard_sigmoid", "tanh"],
            "reset_after": [True, False],
            "use_cudnn": ["auto", False],
        },
    ),
    "LSTM": (
        [3],
        {
            **_rnn(),
            "recurrent_activation": ["sigmoid", "hard_sigmoid", "tanh"],
            "unit_forget_bias": [True, False],
            "use_cudnn": ["auto", False],
        },
    ),
    "ConvLSTM1D": ([4], _conv_lstm(1)),
    "ConvLSTM2D": ([5], _conv_lstm(2)),
    "ConvLSTM3D": ([6], _conv_lstm(3)),
    "BatchNormalization": (
        [2, 3, 4],
        {
            "axis": [-1, 1],
            "momentum": [0.99, 0.5],
            "epsilon": [0.001, 0.1],
            "center": [True, False],
            "scale": [True, False],
            "beta_initializer": [None, "ones", "random_normal"],
            "gamma_initializer": [None, "zeros", "random_uniform"],
            "moving_mean_initializer": [None, "ones", "random_normal"],
            "moving_variance_initializer": [None, "zeros", "random_uniform"],
            "beta_regularizer": REG,
            "gamma_regularizer": REG,
            "beta_constraint": CON,
            "gamma_constraint": CON,
            "synchronized": [False, True],
            "dtype": DTYPES,
        },
    ),
    "LayerNormalization": (
        [2, 3, 4],
        {
            "axis": [-1, 1, (1, 2)],
            "epsilon": [0.001, 0.1],
            "center": [True, False],
            "scale": [True, False],
            "rms_scaling": [False, True],
            "beta_initializer": [None, "ones", "random_normal"],
            "gamma_initializer": [None, "zeros", "random_uniform"],
            "beta_regularizer": REG,
            "gamma_regularizer": REG,
            "beta_constraint": CON,
            "gamma_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "GroupNormalization": (
        [3, 4],
        {
            "groups": [2, 1, -1],
            "axis": [-1, 1],
            "epsilon": [1e-3, 0.5],
            "center": [True, False],
            "scale": [True, False],
            "beta_initializer": [None, "ones", "random_normal"],
            "gamma_initializer": [None, "zeros", "random_uniform"],
            "beta_regularizer": REG,
            "gamma_regularizer": REG,
            "beta_constraint": CON,
            "gamma_constraint": CON,
        },
    ),
    "UnitNormalization": ([2, 3], {"axis": [-1, 1, (1, 2)]}),
    "RMSNormalization": ([2, 3], {"axis": [-1, 1], "epsilon": [1e-6, 0.1]}),
    "Embedding": (
        ["ids"],
        {
            "input_dim": [6, 9],
            "output_dim": [3, 5],
            "embeddings_initializer": [None, "ones", "glorot_uniform"],
            "mask_zero": [False, True],
            "lora_rank": [None, 2],
            "embeddings_regularizer": REG,
            "embeddings_constraint": CON,
            "activity_regularizer": REG,
            "dtype": DTYPES,
        },
    ),
    "Dropout": ([2, 3], {"rate": [0.5, 0.0], "noise_shape": [None, (None, 1)], "seed": [None, 3]}),
    "SpatialDropout1D": ([3], {"rate": [0.5], "seed": [None, 3], "dtype": DTYPES}),
    "SpatialDropout2D": (
        [4],
        SPATIAL_DROPOUT,
    ),
    "SpatialDropout3D": (
        [5],
        SPATIAL_DROPOUT,
    ),
    "AlphaDropout": (
        [2, 3],
        {"rate": [0.5, 0.0], "noise_shape": [None, (None, 1)], "seed": [None, 3], "dtype": DTYPES},
    ),
    "GaussianDropout": ([2, 3], {"rate": [0.5, 0.0], "seed": [None, 3], "dtype": DTYPES}),
    "Flatten": ([2, 3, 4], {"data_format": [None, "channels_first"], "dtype": DTYPES}),
    "Permute": ([3], {"dims": [(2, 1)]}),
    "RepeatVector": ([2], {"n": [3, 1]}),
    "Cropping1D": ([3], {"cropping": [(1, 1), 1, (0, 2)]}),
    "Cropping2D": (
        [4],
        {
            "cropping": [((1, 1), (1, 1)), 1, ((0, 1), (2, 0))],
            "data_format": [None, "channels_first"],
        },
    ),
    "ZeroPadding1D": ([3], {"padding": [1, (2, 0)], "data_format": [None, "channels_first"]}),
    "ZeroPadding2D": (
        [4],
        {"padding": [1, (1, 2), ((0, 1), (2, 0))], "data_format": [None, "channels_first"]},
    ),
    "ZeroPadding3D": ([5], {"padding": [1, (1, 0, 2)], "data_format": [None, "channels_first"]}),
    "UpSampling1D": ([3], {"size": [2, 3]}),
    "UpSampling2D": (
        [4],
        {
            "size": [2, (1, 3)],
            "data_format": [None, "channels_first"],
            "interpolation": ["nearest", "bilinear"],
        },
    ),
    "UpSampling3D": ([5], {"size": [2, (1, 2, 1)], "data_format": [None, "channels_first"]}),
    "Cropping3D": ([5], {"cropping": [1, (1, 0, 1)], "data_format": [None, "channels_first"]}),
    "LeakyReLU": ([2, 3], {"negative_slope": [0.3, 0.1], "dtype": DTYPES}),
    "PReLU": (
        [3, 4],
        {
            "shared_axes": [None, 1, (1, 2)],
            "alpha_initializer": ["zeros", "ones"],
            "alpha_regularizer": REG,
            "alpha_constraint": CON,
        },
    ),
    "ELU": ([2], {"alpha": [1.0, 0.5]}),
    "ReLU": (
        [2, 3],
        {"max_value": [None, 1.0], "negative_slope": [0.0, 0.2], "threshold": [0.0, 0.5]},
    ),
    "Softmax": ([2, 3], {"axis": [-1, 1], "dtype": DTYPES}),
    "Activation": ([2, 3], {"activation": ["relu", "gelu", "softplus", "silu"], "dtype": DTYPES}),
    "Masking": ([3], {"mask_value": [0.0, 1.0]}),
    "Rescaling": ([2, 4], {"scale": [1 / 255, 2.0], "offset": [0.0, -1.0], "dtype": DTYPES}),
    "CenterCrop": ([4], {"height": [3], "width": [2], "data_format": [None, "channels_first"]}),
    "Resizing": (
        [4],
        {
            "height": [3],
            "width": [4],
            "interpolation": ["bilinear", "nearest", "bicubic"],
            "crop_to_aspect_ratio": [False, True],
            "pad_to_aspect_ratio": [False, True],
            "fill_mode": ["constant"],
            "fill_value": [0.0, 2.5],
            "antialias": [False, True],
            "data_format": [None, "channels_first"],
        },
    ),
    "CategoryEncoding": (
        ["ids"],
        {
            "num_tokens": [6],
            "output_mode": ["multi_hot", "one_hot", "count"],
            "dtype": [None, "int32", "float64"],
        },
    ),
    "Discretization": (
        [2],
        {
            "bin_boundaries": [[0.0, 1.0], [-1.0, 0.0, 0.5]],
            "output_mode": ["int", "one_hot", "multi_hot", "count"],
            "dtype": [None, "int64", "int32", "float64"],
        },
    ),
    "EinsumDense": (
        [3],
        {
            "equation": ["abc,cd->abd"],
            "output_shape": [(None, 4)],
            "bias_axes": [None, "d"],
            "activation": [None, "relu"],
            "kernel_initializer": INIT,
            "bias_initializer": [None, "ones"],
            "kernel_regularizer": REG,
            "bias_regularizer": REG,
            "kernel_constraint": CON,
            "bias_constraint": CON,
            "lora_rank": [None, 2],
            "dtype": DTYPES,
        },
    ),
    "Attention": (
        ["pair"],
        {
            "use_scale": [False, True],
            "score_mode": ["dot", "concat"],
            "dropout": [0.0, 0.3],
            "seed": [None, 3],
            "dtype": DTYPES,
        },
    ),
    "AdditiveAttention": (
        ["pair"],
        {"use_scale": [True, False], "dropout": [0.0, 0.3], "dtype": DTYPES},
    ),
    "MultiHeadAttention": (
        ["pair", "pair4"],
        {
            "num_heads": [2, 1],
            "key_dim": [2, 3],
            "value_dim": [None, 2],
            "use_bias": [True, False],
            "output_shape": [None, 5, (2, 2)],
            "dropout": [0.0, 0.3],
            "seed": [None, 3],
            "attention_axes": [None, 1, -2],
            "flash_attention": [None, False],
            "use_gate": [False, True],
            "sliding_window": [None, 2],
            "kernel_initializer": INIT,
            "bias_initializer": [None, "ones", "random_normal"],
            "kernel_regularizer": REG,
            "bias_regularizer": REG,
            "kernel_constraint": CON,
            "bias_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "GroupedQueryAttention": (
        ["pair"],
        {
            "head_dim": [2, 3],
            "num_query_heads": [2, 4],
            "num_key_value_heads": [2, 1],
            "use_bias": [True, False],
            "dropout": [0.0, 0.3],
            "seed": [None, 3],
            "kernel_initializer": INIT,
            "bias_initializer": [None, "ones"],
            "kernel_regularizer": REG,
            "bias_regularizer": REG,
            "kernel_constraint": CON,
            "bias_constraint": CON,
            "dtype": DTYPES,
        },
    ),
    "Bidirectional": (
        [3],
        {
            "layer": [
                {"class_name": "LSTM", "config": {"units": 2, "return_sequences": True}},
                {"class_name": "GRU", "config": {"units": 3}},
                {"class_name": "SimpleRNN", "config": {"units": 2, "return_state": True}},
                {"class_name": "LSTM", "config": {"units": 2, "go_backwards": True}},
            ],
            "merge_mode": ["concat", "sum", "mul", "ave", None],
            "backward_layer": [
                None,
                {
                    "class_name": "LSTM",
                    "config": {"units": 2, "return_sequences": True, "go_backwards": True},
                },
            ],
        },
    ),
    "TimeDistributed": (
        [4],
        {
            "layer": [
                {"class_name": "Dense", "config": {"units": 2}},
                {"class_name": "Conv1D", "config": {"filters": 2, "kernel_size": 2}},
                {"class_name": "Flatten", "config": {}},
                {"class_name": "BatchNormalization", "config": {}},
            ],
        },
    ),
    "Normalization": (
        [2, 3],
        {
            "axis": [-1, 1, None],
            "mean": [None, 0.5],
            "variance": [None, 2.0],
            "invert": [False, True],
        },
    ),
    "Dot": (["pair_same"], {"axes": [-1, 1, (2, 2)], "normalize": [False, True]}),
    "Concatenate": (["pair_same"], {"axis": [-1, 1]}),
    "Subtract": (["pair_same"], {"dtype": DTYPES}),
    "AdaptiveAveragePooling2D": (
        [4],
        {
            "output_size": [2, (1, 3)],
            "data_format": [None, "channels_first"],
        },
    ),
    "AdaptiveMaxPooling1D": ([3], {"output_size": [2, 3], "data_format": [None, "channels_first"]}),
    "GaussianNoise": ([2], {"stddev": [0.1], "seed": [None, 1]}),
    "SpectralNormalization": (
        [2],
        {
            "layer": [{"class_name": "Dense", "config": {"units": 3}}],
            "power_iterations": [1, 2],
        },
    ),
    "Identity": ([2, 3], {"dtype": DTYPES}),
    "ActivityRegularization": ([2], {"l1": [0.0, 0.1], "l2": [0.0, 0.2]}),
    "Reshape": ([3], {"target_shape": [(-1,), (3, -1)]}),
    # (session 25: the classes below, and the arguments marked there, were added)
    "AdaptiveAveragePooling1D": (
        [3],
        {"output_size": [2, 3], "data_format": [None, "channels_first"]},
    ),
    "AdaptiveAveragePooling3D": (
        [5],
        {"output_size": [2, (1, 2, 3)], "data_format": [None, "channels_first"]},
    ),
    "AdaptiveMaxPooling2D": (
        [4],
        {"output_size": [2, (3, 1)], "data_format": [None, "channels_first"]},
    ),
    "AdaptiveMaxPooling3D": (
        [5],
        {"output_size": [2, (1, 3, 2)], "data_format": [None, "channels_first"]},
    ),
    "GlobalMaxPooling3D": ([5], _pool(3, True)),
    "Add": (["pair_same"], {"dtype": DTYPES}),
    "Average": (["pair_same"], {"dtype": DTYPES}),
    "Maximum": (["pair_same"], {"dtype": DTYPES}),
    "Minimum": (["pair_same"], {"dtype": DTYPES}),
    "Multiply": (["pair_same"], {"dtype": DTYPES}),
    "RNN": (
        [3],
        {
            "cell": [
                _cell("SimpleRNNCell", 3),
                _cell("GRUCell", 2, reset_after=False, recurrent_activation="tanh"),
                _cell("LSTMCell", 2, unit_forget_bias=False, use_bias=False),
                [_cell("GRUCell", 2), _cell("LSTMCell", 3)],
                [_cell("SimpleRNNCell", 2, activation="relu"), _cell("SimpleRNNCell", 3)],
            ],
            "return_sequences": [False, True],
            "return_state": [False, True],
            "go_backwards": [False, True],
            "stateful": [False, True],
            "unroll": [False, True],
            "zero_output_for_mask": [False, True],
        },
    ),
    "ReversibleEmbedding": (
        ["ids"],
        {
            "input_dim": [6, 8],
            "output_dim": [3, 4],
            "tie_weights": [True, False],
            "embeddings_initializer": [None, "glorot_uniform"],
            "embeddings_regularizer": REG,
            "mask_zero": [False, True],
            "logit_soft_cap": [None, 2.0],
        },
    ),
    "STFTSpectrogram": (
        ["audio3"],
        {
            "mode": ["log", "magnitude", "psd", "real", "imag", "angle", "stft"],
            "frame_length": [16, 8],
            "frame_step": [None, 4],
            "fft_length": [None, 32],
            "window": ["hann", "hamming", None],
            "periodic": [False, True],
            "scaling": ["density", "spectrum", None],
            "padding": ["valid", "same"],
            "expand_dims": [False, True],
            "data_format": [None, "channels_first"],
        },
    ),
    "MelSpectrogram": (
        ["audio"],
        {
            "fft_length": [32, 16],
            "sequence_stride": [8, 4],
            "sequence_length": [None, 16],
            "window": ["hann", "hamming", None],
            "sampling_rate": [16000, 8000],
            "num_mel_bins": [8, 4],
            "min_freq": [20.0, 100.0],
            "max_freq": [None, 3000.0],
            "power_to_db": [True, False],
            "top_db": [80.0, 20.0],
            "mag_exp": [2.0, 1.0],
            "min_power": [1e-10, 1e-3],
            "ref_power": [1.0, 2.0],
        },
    ),
    "AutoContrast": (["image"], {"value_range": [(0, 255), (0, 1)]}),
    "Equalization": (
        ["image"],
        {"value_range": [(0, 255), (0, 1)], "bins": [256, 16], "data_format": [None]},
    ),
    "Solarization": (
        ["image"],
        {
            "addition_factor": [0.0, 0.3],
            "threshold_factor": [0.0, 0.5],
            "value_range": [(0, 255), (0, 1)],
            "seed": [None, 3],
        },
    ),
    "ContrastLimitedAdaptiveHistogramEqualization": (
        ["image"],
        {
            "value_range": [(0, 255), (0, 1)],
            "clip_limit": [4.0, 2.0],
            "tile_grid_size": [(2, 2), (3, 1)],
        },
    ),
    "RandomFlip": (
        ["image"],
        {"mode": ["horizontal_and_vertical", "horizontal", "vertical"], "seed": [None, 3]},
    ),
    "RandomRotation": (
        ["image"],
        {
            "factor": [0.2, (-0.1, 0.3)],
            "fill_mode": ["reflect", "constant", "nearest", "wrap"],
            "interpolation": ["bilinear", "nearest"],
            "fill_value": [0.0, 1.0],
            "data_format": [None],
        },
    ),
    "RandomZoom": (
        ["image"],
        {"height_factor": [0.2, (-0.3, 0.1)], "width_factor": [None, 0.1]},
    ),
    "RandomTranslation": (
        ["image"],
        {
            "height_factor": [0.2],
            "width_factor": [0.1, (-0.2, 0.1)],
            "fill_mode": ["reflect", "constant"],
        },
    ),
    "RandomContrast": (["image"], {"factor": [0.2, (0.1, 0.5)], "value_range": [(0, 255), (0, 1)]}),
    "RandomBrightness": (
        ["image"],
        {"factor": [0.2, (-0.1, 0.3)], "value_range": [(0, 255), (0, 1)]},
    ),
    "RandomCrop": (["image"], {"height": [3], "width": [4, 2], "data_format": [None]}),
    "RandomGrayscale": (["image"], {"factor": [0.5, 1.0], "data_format": [None, "channels_last"]}),
    "RandomInvert": (["image"], {"factor": [1.0, 0.5], "value_range": [(0, 255), (0, 1)]}),
    "RandomPosterization": (["image"], {"factor": [(1, 8), (2, 4)], "value_range": [(0, 255)]}),
    "RandomSharpness": (["image"], {"factor": [0.5, (0.1, 0.9)], "value_range": [(0, 255)]}),
    "RandomShear": (["image"], {"x_factor": [0.0, 0.2], "y_factor": [0.0, (0.1, 0.3)]}),
    "RandomHue": (["image"], {"factor": [0.5, (0.1, 0.2)], "value_range": [(0, 255)]}),
    "RandomSaturation": (["image"], {"factor": [0.5, (0.1, 0.9)], "value_range": [(0, 255)]}),
    "RandomColorDegeneration": (["image"], {"factor": [0.5, (0.1, 0.9)]}),
    "RandomColorJitter": (
        ["image"],
        {
            "brightness_factor": [None, 0.2],
            "contrast_factor": [None, 0.3],
            "hue_factor": [None, 0.1],
        },
    ),
    "RandomGaussianBlur": (
        ["image"],
        {"factor": [1.0, 0.5], "kernel_size": [3, 5], "sigma": [1.0, (0.5, 2.0)]},
    ),
    "RandomErasing": (["image"], {"factor": [1.0, 0.5], "scale": [(0.02, 0.33), (0.1, 0.2)]}),
}

# Session 26: the classes and documented arguments not drawn before, drawn by the seeds
# from EXTENDED_FROM on only, after each menu's own arguments (a seed before it draws
# exactly what it drew before: the menus' order is part of what a seed draws)
EXTENDED_FROM = 3037
_SEEDED = {"seed": [None, 3]}
_FILL = {
    "interpolation": ["bilinear", "nearest"],
    "fill_mode": ["reflect", "constant", "nearest", "wrap"],
    "fill_value": [0.0, 1.0],
}
EXTRA_ARGS = {
    "MultiHeadAttention": {"activity_regularizer": REG},
    "GroupedQueryAttention": {
        "sliding_window": [None, 2],
        "flash_attention": [None, False],
        "activity_regularizer": REG,
        "use_gate": [False, True],
    },
    "ReversibleEmbedding": {"embeddings_constraint": CON, "reverse_dtype": [None, "float32"]},
    "ContrastLimitedAdaptiveHistogramEqualization": {"data_format": [None, "channels_first"]},
    "RandomBrightness": _SEEDED,
    "RandomContrast": _SEEDED,
    "RandomCrop": _SEEDED,
    "RandomGrayscale": _SEEDED,
    "RandomRotation": _SEEDED,
    "RandomFlip": {"data_format": [None, "channels_first"]},
    "RandomHue": {**_SEEDED, "data_format": [None, "channels_first"]},
    "RandomInvert": {**_SEEDED, "data_format": [None, "channels_first"]},
    "RandomPosterization": {**_SEEDED, "data_format": [None, "channels_first"]},
    "RandomSaturation": {**_SEEDED, "data_format": [None, "channels_first"]},
    "RandomSharpness": {**_SEEDED, "data_format": [None, "channels_first"]},
    "RandomColorDegeneration": {"value_range": [(0, 255), (0, 1)], **_SEEDED},
    "RandomGaussianBlur": {"value_range": [(0, 255), (0, 1)], **_SEEDED},
    "RandomColorJitter": {
        "value_range": [(0, 255), (0, 1)],
        "saturation_factor": [None, 0.3],
        **_SEEDED,
    },
    "RandomErasing": {"fill_value": [None, 0.5], "value_range": [(0, 255), (0, 1)], **_SEEDED},
    "RandomShear": {**_FILL, **_SEEDED},
    "RandomTranslation": {"interpolation": _FILL["interpolation"], "fill_value": [0.0, 1.0]},
    "RandomZoom": {**_FILL, **_SEEDED},
}
EXTRA_SPECS = {
    "RandomElasticTransform": (
        ["image"],
        {
            "factor": [1.0, 0.5],
            "scale": [1.0, 0.5],
            **_FILL,
            "value_range": [(0, 255), (0, 1)],
            **_SEEDED,
            "data_format": [None],
        },
    ),
    "RandomPerspective": (
        ["image"],
        {
            "factor": [1.0, 0.5],
            "scale": [1.0, 0.5],
            "interpolation": _FILL["interpolation"],
            "fill_value": [0.0, 1.0],
            **_SEEDED,
        },
    ),
    "Pipeline": (
        ["image"],
        {
            "layers": [
                [{"class_name": "Rescaling", "config": {"scale": 0.5, "offset": 1.0}}],
                [
                    {"class_name": "CenterCrop", "config": {"height": 3, "width": 2}},
                    {"class_name": "Rescaling", "config": {"scale": 2.0}},
                ],
                [
                    {"class_name": "Resizing", "config": {"height": 4, "width": 3}},
                    {"class_name": "RandomFlip", "config": {"seed": 3}},
                    {"class_name": "Solarization", "config": {"threshold_factor": 0.5}},
                ],
            ],
        },
    ),
}

SHAPES = {2: (B, 6), 3: (B, 5, 4), 4: (B, 5, 4, 4), 5: (B, 4, 4, 4, 2), 6: (B, 3, 4, 4, 3, 2)}


# Session 27: from EXTENDED_2_FROM on, the base layer's `dtype` and `activity_regularizer`
# (every Keras layer takes them) for the classes whose menus lacked them, drawn after all
# the menu's other arguments (no float16 for the recurrent ones: Keras-JAX crashes on it);
# from EXTENDED_3_FROM on, also `trainable=False` (after those)
EXTENDED_2_FROM = 3066
EXTENDED_3_FROM = 3073
_RECURRENT_DTYPES = [None, "float64", "mixed_float16", "policy:mixed_float16"]
_RECURRENT = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "RNN", "Bidirectional")


def _base_args(name: str, args: dict, extended_3: bool) -> dict:
    """The base-layer arguments the class's menu lacks (session 27's draws)."""
    extra = {}
    if "dtype" not in args:
        extra["dtype"] = _RECURRENT_DTYPES if name in _RECURRENT else DTYPES
    if "activity_regularizer" not in args:
        extra["activity_regularizer"] = REG
    if extended_3:
        extra["trainable"] = [True, False]
    return extra


# Session 28: from EXTENDED_4_FROM on, more values for the arguments every menu draws
# (appended: each default stays first) and the legacy arguments Keras 3 still takes, drawn
# after all the others
EXTENDED_4_FROM = 3096
# (not "glu": it halves the last axis, which Keras's compute_output_shape ignores; not
# "sparsemax": Keras-JAX's is wrong, README; not "threshold": it needs its own arguments)
ACTIVATIONS_4 = [
    "relu",
    "tanh",
    "gelu",
    "selu",
    "elu",
    "softmax",
    "sigmoid",
    "hard_sigmoid",
    "softplus",
    "softsign",
    "swish",
    "silu",
    "mish",
    "relu6",
    "leaky_relu",
    "log_softmax",
    "exponential",
    "linear",
    "hard_silu",
    "hard_swish",
    "celu",
    "sparse_plus",
    "squareplus",
    "soft_shrink",
    "hard_shrink",
    "tanh_shrink",
    "hard_tanh",
    "log_sigmoid",
    "sparse_sigmoid",
]
# (not "identity": Keras's config of it drops `gain`, numkeras keeps it on purpose)
INIT_4 = [
    "glorot_normal",
    "he_uniform",
    "lecun_normal",
    "random_uniform",
    "variance_scaling",
    {"class_name": "RandomNormal", "config": {"mean": 1.0, "stddev": 0.5, "seed": 3}},
    {
        "class_name": "VarianceScaling",
        "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"},
    },
    {"class_name": "Constant", "config": {"value": 0.5}},
]
REG_4 = [
    {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.001}},
    {"class_name": "L2", "config": {"l2": 0.5}},
    "orthogonal_regularizer",
]
CON_4 = [
    "min_max_norm",
    {"class_name": "MaxNorm", "config": {"max_value": 0.5, "axis": 0}},
    {"class_name": "MinMaxNorm", "config": {"min_value": 0.5, "max_value": 1.5, "rate": 0.5}},
]
LEGACY_4 = {  # (Keras 3 pops them with a warning: Keras 2 scripts pass them)
    "Embedding": {"input_length": [None, 5]},
    "LSTM": {"implementation": [None, 1]},
    "GRU": {"implementation": [None, 1]},
    "LeakyReLU": {"alpha": [None, 0.2]},
}


def _values_4(name: str, arg: str, values: list) -> list:
    """The argument's menu with session 28's values appended (those not there already)."""
    more: list = []
    rank = re.search(r"(\d)D", name)
    if arg in ("activation", "recurrent_activation"):
        more = ACTIVATIONS_4
    elif arg.endswith("_initializer"):
        more = INIT_4
    elif arg.endswith("_regularizer"):
        more = REG_4
    elif arg.endswith("_constraint"):
        more = CON_4
    elif rank and arg in ("strides", "dilation_rate", "pool_size"):
        n = int(rank.group(1))
        more = {
            "strides": [(2,) + (1,) * (n - 1)],
            "dilation_rate": [(1,) * (n - 1) + (2,)],
            "pool_size": [(3,) + (2,) * (n - 1)],
        }[arg]
    return list(values) + [v for v in more if v not in values]


def _extend_4(name: str, ranks: list, args: dict) -> dict:
    """Session 28's menu: more values, the legacy arguments, the base layer's `name` and
    (for one input) Keras 2's `input_shape`, the sample's shape ("sample")."""
    args = {arg: _values_4(name, arg, values) for arg, values in args.items()}
    args.update(LEGACY_4.get(name, {}))
    args["name"] = [None, "renamed"]
    if not any(str(kind).startswith("pair") for kind in ranks):
        args["input_shape"] = [None, "sample"]
    return args


# Session 30: from EXTENDED_6_FROM on, more values and arguments, appended after session
# 28's menu (an earlier seed draws exactly what it drew): initializers, regularizers,
# constraints and activations given as objects (`{"object": module, ...}`: built by each
# library from its own module), dtype policies as objects of float32 / float64 and as config
# dicts ("dict:"), Keras 2's `input_dim`, and per class (ARGS_6) the arguments' other
# spellings: output_padding with strides 3, tuples of cropping and padding per side, pooling
# windows of 1, the other interpolations, per-feature means and variances, more axes, ...;
# "__kinds__" adds input kinds
EXTENDED_6_FROM = 3146


def _obj(module: str, class_name: str, **config) -> dict:
    return {"object": module, "class_name": class_name, "config": config}


INIT_6 = [
    _obj("initializers", "RandomNormal", mean=0.2, stddev=0.3, seed=5),
    _obj("initializers", "Orthogonal", gain=1.5, seed=2),
    _obj("initializers", "TruncatedNormal", stddev=0.5, seed=4),
    _obj("initializers", "GlorotUniform", seed=1),
    _obj("initializers", "Constant", value=-0.3),
    _obj(
        "initializers",
        "VarianceScaling",
        scale=0.5,
        mode="fan_avg",
        distribution="untruncated_normal",
        seed=3,
    ),
    _obj("initializers", "RandomUniform", minval=-2.0, maxval=-1.0, seed=3),
    _obj("initializers", "Ones"),
    "Zeros",
    "GlorotNormal",
]
REG_6 = [
    _obj("regularizers", "L1", l1=0.05),
    _obj("regularizers", "L2", l2=0.02),
    _obj("regularizers", "L1L2", l1=0.01, l2=0.02),
    _obj("regularizers", "OrthogonalRegularizer", factor=0.02, mode="columns"),
    "L1",
]
CON_6 = [
    _obj("constraints", "MaxNorm", max_value=1.5, axis=[0, 1]),
    _obj("constraints", "NonNeg"),
    _obj("constraints", "UnitNorm", axis=0),
    _obj("constraints", "MinMaxNorm", min_value=0.2, max_value=0.8, rate=1.0, axis=0),
    "NonNeg",
]
ACT_6 = [{"object": "activations", "name": n} for n in ("relu", "gelu", "tanh", "softmax")]
DTYPES_6 = ["policy:float64", "policy:float32", "float32", "dict:mixed_float16", "dict:float16"]


def _conv_6(rank: int, transpose: bool = False) -> dict:
    args = {"strides": [3], "kernel_size": [1]}
    if transpose:
        args["output_padding"] = [2, (1,) + (0,) * (rank - 1)]
    return args


ARGS_6 = {
    **{f"Conv{r}D": _conv_6(r) for r in (1, 2, 3)},
    **{f"Conv{r}DTranspose": _conv_6(r, True) for r in (1, 2, 3)},
    **{f"SeparableConv{r}D": {"strides": [3], "depth_multiplier": [3]} for r in (1, 2)},
    **{f"DepthwiseConv{r}D": {"strides": [3], "depth_multiplier": [3]} for r in (1, 2)},
    **{
        f"{kind}Pooling{r}D": {"pool_size": [1], "strides": [3, (1,) * (r - 1) + (2,)]}
        for kind in ("Max", "Average")
        for r in (1, 2, 3)
    },
    "Cropping1D": {"cropping": [(2, 1), [0, 0]]},
    "Cropping2D": {"cropping": [((0, 0), (1, 2)), (2, 1)]},
    "Cropping3D": {"cropping": [((1, 0), (0, 1), (1, 1)), ((0, 0), (0, 0), (0, 1))]},
    "ZeroPadding1D": {"padding": [(0, 1), 0]},
    "ZeroPadding2D": {"padding": [((0, 0), (0, 3)), (0, 0)]},
    "ZeroPadding3D": {"padding": [((1, 0), (0, 2), (1, 1)), 0]},
    "UpSampling1D": {"size": [1]},
    "UpSampling2D": {"size": [(2, 1)], "interpolation": ["bicubic", "lanczos3", "area"]},
    "UpSampling3D": {"size": [(2, 1, 3)]},
    "Reshape": {"target_shape": [(5, 2, 2), (20,), (-1, 2), (2, -1, 2)]},
    "Permute": {"dims": [(1, 2), (3, 1, 2)], "__kinds__": [4]},
    "RepeatVector": {"n": [2]},
    "Dot": {"axes": [(1, 1), (2, 1), [2, 2], -2]},
    "Concatenate": {"axis": [-2, 2]},
    "Softmax": {"axis": [-2, (1, 2)]},
    "ReLU": {"max_value": [6.0, 0.0], "negative_slope": [1.0], "threshold": [-1.0]},
    "ELU": {"alpha": [0.0, 2.0], "__kinds__": [3]},
    "LeakyReLU": {"negative_slope": [0.0, 1.5]},
    "PReLU": {"shared_axes": [[1], (1, 2, 3)]},
    "Masking": {"mask_value": [-1.0], "__kinds__": [2, 4]},
    "Rescaling": {"scale": [[0.5, 1.0, 2.0, 4.0]], "offset": [[0.0, 1.0, 2.0, 3.0]]},
    "CenterCrop": {"height": [7], "width": [5]},
    "Resizing": {"interpolation": ["lanczos3", "lanczos5", "area"], "height": [8], "width": [2]},
    "CategoryEncoding": {"num_tokens": [8], "__kinds__": ["ids1", "ids3"]},
    "Discretization": {"bin_boundaries": [[0.0], [-0.5, -0.5, 1.0]], "__kinds__": [3]},
    "Embedding": {"input_dim": [7], "__kinds__": ["ids1", "ids3"]},
    "ReversibleEmbedding": {"logit_soft_cap": [0.5]},
    "Normalization": {
        "axis": [-2, (1, 2), (-1,)],
        "mean": [[0.1, 0.2, 0.3, 0.4]],
        "variance": [[1.0, 2.0, 0.5, 4.0]],
    },
    "LayerNormalization": {"axis": [-2, [-2, -1], (-1,)]},
    "BatchNormalization": {"axis": [-2, 2], "momentum": [0.0]},
    "GroupNormalization": {"groups": [4], "axis": [-2, 2]},
    "UnitNormalization": {"axis": [-2, (-2, -1)]},
    "EinsumDense": {"equation": ["...b,bc->...c"], "output_shape": [4], "bias_axes": ["c"]},
    "MultiHeadAttention": {"attention_axes": [(1, 2)], "output_shape": [(5,)], "key_dim": [1]},
    "Bidirectional": {
        "layer": [
            {"class_name": "GRU", "config": {"units": 2, "reset_after": False}},
            {"class_name": "LSTM", "config": {"units": 3, "return_state": True}},
        ],
        "backward_layer": [
            {"class_name": "GRU", "config": {"units": 2, "go_backwards": True}},
        ],
    },
    "TimeDistributed": {
        "layer": [
            {"class_name": "Dense", "config": {"units": 3, "activation": "relu"}},
            {"class_name": "LayerNormalization", "config": {}},
            {"class_name": "Conv1D", "config": {"filters": 2, "kernel_size": 2, "strides": 2}},
            {"class_name": "GlobalAveragePooling1D", "config": {}},
            {"class_name": "LSTM", "config": {"units": 2}},
        ],
    },
    "SpectralNormalization": {
        "layer": [{"class_name": "Dense", "config": {"units": 2, "use_bias": False}}],
        "power_iterations": [3],
        "__kinds__": [3],
    },
    "ActivityRegularization": {"l1": [0.5], "l2": [0.5], "__kinds__": [3]},
    **{
        f"Adaptive{kind}Pooling{r}D": {"output_size": [1, 5]}
        for kind in ("Average", "Max")
        for r in (1, 2, 3)
    },
    "GaussianNoise": {"stddev": [0.0]},
    "SpatialDropout1D": {"rate": [0.0]},
    "SpatialDropout2D": {"rate": [0.0]},
    "SpatialDropout3D": {"rate": [0.0]},
}


def _values_6(arg: str, values: list) -> list:
    """The argument's menu with session 30's generic values appended."""
    more: list = []
    if arg.endswith("_initializer"):
        more = INIT_6
    elif arg.endswith("_regularizer"):
        more = REG_6
    elif arg.endswith("_constraint"):
        more = CON_6
    elif arg in ("activation", "recurrent_activation"):
        more = ACT_6
    elif arg == "dtype":  # (no float16 where the menu has none: Keras-JAX's RNNs crash)
        more = [d for d in DTYPES_6 if "float16" in values or "float16" not in d]
    return list(values) + [v for v in more if v not in values]


def _extend_6(name: str, ranks: list, args: dict) -> tuple:
    """Session 30's menu: more values, ARGS_6's arguments and kinds, Keras 2's `input_dim`."""
    args = {arg: _values_6(arg, values) for arg, values in args.items()}
    extra = dict(ARGS_6.get(name, {}))
    ranks = list(ranks) + extra.pop("__kinds__", [])
    for arg, values in extra.items():
        old = args.get(arg, [None])
        args[arg] = list(old) + [v for v in values if v not in old]
    pairs = any(str(kind).startswith("pair") for kind in ranks)
    if not pairs and "input_dim" not in args:  # (Embedding's own input_dim: the vocabulary)
        args["input_dim"] = [None, "sample_dim"]
    return ranks, args


def _menu(
    name: str,
    extended: bool,
    extended_2: bool = False,
    extended_3: bool = False,
    extended_4: bool = False,
    extended_6: bool = False,
) -> tuple:
    """The class's (input kinds, arguments), with session 26's extra ones when `extended`,
    session 27's base-layer ones when `extended_2` / `extended_3`, session 28's values
    when `extended_4` and session 30's when `extended_6`."""
    if name in EXTRA_SPECS:
        ranks, args = EXTRA_SPECS[name]
    else:
        ranks, args = SPECS[name]
        args = {**args, **EXTRA_ARGS.get(name, {})} if extended else args
    args = {**args, **_base_args(name, args, extended_3)} if extended_2 else args
    args = _extend_4(name, ranks, args) if extended_4 else args
    return _extend_6(name, ranks, args) if extended_6 else (ranks, args)


def draw(
    rng,
    name: str,
    extended: bool = False,
    extended_2: bool = False,
    extended_3: bool = False,
    extended_4: bool = False,
    extended_6: bool = False,
) -> dict:
    ranks, args = _menu(name, extended, extended_2, extended_3, extended_4, extended_6)
    kind = ranks[rng.integers(len(ranks))]
    kwargs = {}
    for arg, values in args.items():
        if len(values) == 1 or rng.random() < 0.5:
            value = values[0] if len(values) == 1 else values[1 + rng.integers(len(values) - 1)]
            if value is not None or arg == "value_dim":
                kwargs[arg] = value
    # required arguments
    for arg in (
        "filters",
        "units",
        "output_dim",
        "num_heads",
        "key_dim",
        "head_dim",
        "num_query_heads",
        "num_key_value_heads",
        "kernel_size",
        "n",
        "dims",
        "target_shape",
        "num_tokens",
        "bin_boundaries",
        "num_bins",
        "equation",
        "output_shape",
        "height",
        "width",
        "rate",
        "activation",
        "layer",
        "stddev",
        "output_size",
        "vocabulary",
        "input_dim",
        "cell",
        "factor",
        "height_factor",
        "width_factor",
        "layers",
    ):
        if arg in args and arg not in kwargs and args[arg][0] is not None:
            if name in ("Dense", "Conv1D", "EinsumDense") and arg == "activation":
                continue
            kwargs[arg] = args[arg][0]
    return {"name": name, "kind": kind, "kwargs": kwargs, "seed": int(rng.integers(1 << 30))}


def _inputs(case):
    rng = np.random.default_rng(case["seed"])
    kind = case["kind"]
    if kind == "ids":
        return [rng.integers(0, 6, (B, 5)).astype("int32")]
    if kind in ("ids1", "ids3"):  # (session 30: ids of rank 1 and 3)
        return [rng.integers(0, 6, (B,) if kind == "ids1" else (B, 5, 2)).astype("int32")]
    if kind == "pair":
        return [
            rng.normal(size=(B, 4, 4)).astype("float32"),
            rng.normal(size=(B, 5, 4)).astype("float32"),
        ]
    if kind == "pair_same":
        return [rng.normal(size=(B, 5, 4)).astype("float32") for _ in range(2)]
    if kind == "pair4":
        return [rng.normal(size=(B, 2, 3, 4)).astype("float32")] * 2
    if kind == "audio":
        return [rng.normal(size=(B, 64)).astype("float32")]
    if kind == "audio3":
        shape = (B, 1, 64) if case["kwargs"].get("data_format") == "channels_first" else (B, 64, 1)
        return [rng.normal(size=shape).astype("float32")]
    if kind == "image":  # (pixel values in [0, 255], or [0, 1] for that value_range)
        x = rng.uniform(0, 255, (B, 6, 5, 3)).astype("float32")
        if tuple(case["kwargs"].get("value_range", (0, 255))) == (0, 1):
            x /= 255
        if case["name"] == "Equalization":  # (Keras pools a batch's histograms: one image)
            x = x[:1]
        return [x]
    x = rng.normal(size=SHAPES[kind]).astype("float32")
    if case["name"] == "ConvLSTM1D":
        x = rng.normal(size=(B, 3, 5, 4)).astype("float32")
    if case["name"] == "Masking":
        x[0, 1] = case["kwargs"].get("mask_value", 0.0)
    return [x]


def _augmenting(case) -> bool:
    return case["name"].startswith("Random") or case["name"] in ("Solarization", "Pipeline")


def _call(layer, case, xs, options: bool = False):
    """The layer called on the inputs (`options`: with the case's call options: `training`,
    a `mask` of the steps, `use_causal_mask`, `return_attention_scores`, ...)."""
    kw = dict(case.get("call", {})) if options else {}
    if _augmenting(case):  # (Keras's augmentation layers default to training=True: random)
        kw["training"] = False
    xs = list(xs)
    rng = np.random.default_rng(case["seed"] + 3)  # (session 30's call options' arrays)
    carried = kw.pop("carried_mask", None)
    if carried is not None:  # (masks the inputs carry, as a layer before would give them)
        xs = [_carrying(layer, x, np.array(m, bool)) for x, m in zip(xs, carried)]
    if kw.get("key") == "random":
        kw["key"] = rng.normal(size=np.shape(xs[1])).astype("float32")
    if kw.get("count_weights") == "random":
        kw["count_weights"] = rng.uniform(0, 2, np.shape(xs[0])).astype("float32")
    if kw.get("reverse"):  # (ReversibleEmbedding's logits of embeddings)
        xs = [rng.normal(size=(B, 5, case["kwargs"]["output_dim"])).astype("float32")]
    for arg in [k for k in kw if k.endswith("mask") and k != "use_causal_mask"]:
        kw[arg] = (
            [None if m is None else np.array(m, bool) for m in kw[arg]]
            if case["name"] in ("Attention", "AdditiveAttention")
            else np.array(kw[arg], bool)
        )
    if kw.get("initial_state") == "random":
        kw["initial_state"] = _initial_state(layer, case["seed"])
    _call.inputs = xs  # (the arrays given: Keras's no-op layers return them)
    if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
        return layer(xs[0], xs[1], **kw)
    return layer(list(xs), **kw) if len(xs) > 1 else layer(xs[0], **kw)


def _carrying(layer, x, mask):
    """`x` carrying `mask` as its `_keras_mask`, in the layer's library."""
    if type(layer).__module__.startswith("keras"):
        from keras import ops
        from keras.src.backend import set_keras_mask

        x = ops.convert_to_tensor(x)
        set_keras_mask(x, ops.convert_to_tensor(mask))
        return x
    from numkeras.layers.layer import set_array_mask

    return set_array_mask(x, mask)


def _output_mask(t):
    """The `_keras_mask` a direct call's output carries (None: none), as a list."""
    if type(t).__module__.startswith("numkeras"):
        from numkeras.layers.layer import get_array_mask

        mask = get_array_mask(t)
    else:
        mask = getattr(t, "_keras_mask", None)
    return None if mask is None else np.asarray(mask).tolist()


CALL_OPTIONS = {
    "BatchNormalization": {"training": [True]},
    "LayerNormalization": {"training": [True]},
    "SimpleRNN": {"mask": ["steps"]},
    "GRU": {"mask": ["steps"]},
    "LSTM": {"mask": ["steps"]},
    "Bidirectional": {"mask": ["steps"]},
    "RNN": {"mask": ["steps"]},
    "Attention": {"use_causal_mask": [True], "return_attention_scores": [True]},
    "AdditiveAttention": {"use_causal_mask": [True], "return_attention_scores": [True]},
    "MultiHeadAttention": {"use_causal_mask": [True], "return_attention_scores": [True]},
    "GroupedQueryAttention": {"use_causal_mask": [True], "return_attention_scores": [True]},
}


# Session 29: from EXTENDED_5_FROM on, the documented call arguments the cases did not
# give (drawn after CALL_OPTIONS, so an earlier seed draws what it drew): the recurrent
# layers' `initial_state` (random states of the layer's own structure, "random"), the
# attention layers' per-input masks ("query" / "value": a mask of that input's steps,
# "attention": (B, T, S)), and the `mask` of Softmax (the input's shape), BatchNormalization
# (the input's shape but the last axis), GlobalAveragePooling1D and TimeDistributed (the
# steps); a mask keeps each row's first entry, so no row is wholly masked
EXTENDED_5_FROM = 3116
_RECURRENT_CALL = {"initial_state": ["random"]}
CALL_OPTIONS_5 = {
    "SimpleRNN": _RECURRENT_CALL,
    "GRU": _RECURRENT_CALL,
    "LSTM": _RECURRENT_CALL,
    "RNN": _RECURRENT_CALL,
    "Bidirectional": _RECURRENT_CALL,
    "Attention": {"mask": [["query", "value"], [None, "value"]]},
    "AdditiveAttention": {"mask": [["query", "value"], [None, "value"]]},
    "MultiHeadAttention": {
        "query_mask": ["query"],
        "value_mask": ["value"],
        "key_mask": ["value"],
        "attention_mask": ["attention"],
    },
    "GroupedQueryAttention": {
        "query_mask": ["query"],
        "value_mask": ["value"],
        "key_mask": ["value"],
        "attention_mask": ["attention"],
    },
    "Softmax": {"mask": ["input"]},
    "BatchNormalization": {"mask": ["input_but_last"]},
    "GlobalAveragePooling1D": {"mask": ["steps_axis"]},
    "TimeDistributed": {"mask": ["steps"]},
}


def _mask_of(rng, spec, case) -> list | None:
    """A drawn mask (as a list) for the spec's shape (see CALL_OPTIONS_5)."""
    if spec is None or spec == "random":
        return spec
    if isinstance(spec, list):
        return [_mask_of(rng, s, case) for s in spec]
    shape = [np.shape(x) for x in _inputs(case)]
    if case["name"] == "GlobalAveragePooling1D":  # (the steps: axis 2 for channels_first)
        steps = shape[0][2 if case["kwargs"].get("data_format") == "channels_first" else 1]
        size = (B, steps)
    else:
        size = {
            "query": (B, shape[0][1]),
            "value": (B, shape[-1][1]),
            "attention": (B, shape[0][1], shape[-1][1]),
            "input": shape[0],
            "input_but_last": shape[0][:-1],
            "steps": (B, shape[0][1]),
        }.get(spec, (B, 5))
    mask = rng.random(size) > 0.3
    mask[(slice(None),) * (len(size) - 1) + (0,)] = True  # (no row wholly masked)
    return mask.tolist()


# Session 30: from EXTENDED_6_FROM on, the call arguments still not given (drawn after
# CALL_OPTIONS_5): MultiHeadAttention's and GroupQueryAttention's `key` (random, the value's
# shape), ReversibleEmbedding's `reverse=True` (on random embeddings), CategoryEncoding's
# `count_weights`, an explicit `training` for every class but the augmentation layers (True
# only where the case draws nothing random: no dropout, no noise), and masks the inputs
# carry ("carried_mask": each input's (batch, steps), for inputs of rank 3 and 4 and the
# pairs), as a layer before would give them. The outputs' `_keras_mask` is compared for
# every seed.
CALL_OPTIONS_6 = {
    "MultiHeadAttention": {"key": ["random"]},
    "GroupedQueryAttention": {"key": ["random"]},
    "ReversibleEmbedding": {"reverse": [True]},
    "CategoryEncoding": {"count_weights": ["random"]},
}


def _random_in_training(case) -> bool:
    """Whether the case's layer draws random values in training (dropout, noise)."""
    kw = case["kwargs"]
    rates = ("rate", "stddev", "dropout", "recurrent_dropout")
    return any(kw.get(arg) not in (None, 0, 0.0) for arg in rates)


def draw_call(rng, case, extended_5: bool = False, extended_6: bool = False) -> dict:
    call = {}
    for arg, values in CALL_OPTIONS.get(case["name"], {}).items():
        if rng.random() < 0.5:
            call[arg] = values[rng.integers(len(values))]
    if call.get("mask") == "steps":  # (each sample keeps its first step)
        mask = rng.random((B, 5)) > 0.3
        mask[:, 0] = True
        call["mask"] = mask.tolist()
    if case["name"] == "MultiHeadAttention" and case["kind"] == "pair4":
        call.pop("use_causal_mask", None)  # (Keras's rules: tests/layers/test_mha_axes.py)
    if extended_5 and not (case["name"] == "MultiHeadAttention" and case["kind"] == "pair4"):
        for arg, values in CALL_OPTIONS_5.get(case["name"], {}).items():
            if rng.random() < 0.5:
                call[arg] = _mask_of(rng, values[rng.integers(len(values))], case)
    if extended_6:
        for arg, values in CALL_OPTIONS_6.get(case["name"], {}).items():
            if rng.random() < 0.5:
                call[arg] = values[rng.integers(len(values))]
        if "training" not in call and not _augmenting(case) and rng.random() < 0.5:
            call["training"] = bool(rng.random() < 0.5) and not _random_in_training(case)
        if (case["kind"] in (3, 4) or str(case["kind"]).startswith("pair")) and rng.random() < 0.5:
            masks = []
            for x in _inputs(case):  # (each sample keeps its first step)
                mask = rng.random(x.shape[:2]) > 0.3
                mask[:, 0] = True
                masks.append(mask.tolist())
            call["carried_mask"] = masks
    return call


def _initial_state(layer, seed: int):
    """Random initial states in the structure the layer's `get_initial_state` gives
    (Bidirectional: its forward layer's, then its backward layer's, flat)."""
    rng = np.random.default_rng(seed + 1)
    if hasattr(layer, "forward_layer"):
        flat = _flat(layer.forward_layer.get_initial_state(B))
        flat += _flat(layer.backward_layer.get_initial_state(B))
        return [rng.normal(size=np.shape(s)).astype("float32") for s in flat]

    def fill(s):
        if isinstance(s, (list, tuple)):
            return [fill(t) for t in s]
        return rng.normal(size=np.shape(s)).astype("float32")

    return fill(layer.get_initial_state(B))


def _jsonable(value):
    return json.loads(json.dumps(value, default=lambda o: repr(o)))


def _error(e: Exception) -> str:
    return next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__


def _flat(items) -> list:
    if isinstance(items, (list, tuple)):
        return [v for item in items for v in _flat(item)]
    return [items]


def _config(layer, case) -> dict:
    config = _jsonable(layer.get_config())
    if "seed" not in case["kwargs"]:  # (a seed drawn at random when none is given)
        config.pop("seed", None)
    return config


def run_case(K, case, weights=None) -> dict:
    """What one library makes of the case (`weights`: Keras's, for numkeras)."""
    out: dict = {}
    xs = _inputs(case)
    kwargs = copy.deepcopy(case["kwargs"])  # (a config dict is read by both libraries)
    if kwargs.get("input_shape") == "sample":  # (Keras 2's spelling of the sample's shape)
        kwargs["input_shape"] = tuple(xs[0].shape[1:])
    if kwargs.get("input_dim") == "sample_dim":  # (Keras 2's spelling of a 1-D sample)
        kwargs["input_dim"] = int(xs[0].shape[-1])
    if str(kwargs.get("dtype")).startswith("policy:"):  # a DTypePolicy object
        kwargs["dtype"] = K.dtype_policies.DTypePolicy(kwargs["dtype"][7:])
    if str(kwargs.get("dtype")).startswith("dict:"):  # a DTypePolicy's config
        kwargs["dtype"] = {"class_name": "DTypePolicy", "config": {"name": kwargs["dtype"][5:]}}
    for arg, value in kwargs.items():  # (session 30: initializers, ... given as objects)
        if isinstance(value, dict) and "object" in value:
            module = getattr(K, value["object"])
            if "name" in value:  # (a function of keras.activations)
                kwargs[arg] = getattr(module, value["name"])
            else:
                kwargs[arg] = getattr(module, value["class_name"])(**value["config"])
    for arg in ("layer", "backward_layer", "cell", "layers"):  # (wrappers: fresh inner layers)
        specs = kwargs.get(arg)
        if isinstance(specs, dict):
            kwargs[arg] = getattr(K.layers, specs["class_name"])(**specs["config"])
        elif isinstance(specs, list):  # (RNN: a list of cells; Pipeline: its layers)
            kwargs[arg] = [getattr(K.layers, c["class_name"])(**c["config"]) for c in specs]
    try:
        name = case["name"]
        if name == "GroupedQueryAttention" and K.__name__ == "keras":
            name = "GroupQueryAttention"  # (Keras's export)
        layer = getattr(K.layers, name)(**kwargs)
    except Exception as e:  # noqa: BLE001 - the type is the result
        return {"error": "init " + _error(e), "message": str(e)[:200]}
    out["config_init"] = _config(layer, case)
    try:
        y = _call(layer, case, xs)
    except Exception as e:  # noqa: BLE001
        return {**out, "error": "call " + _error(e), "message": str(e)[:200]}
    out["weights"] = [[w.path, list(w.shape), bool(w.trainable)] for w in layer.weights]
    out["trainable_weights"] = [w.path for w in layer.trainable_weights]
    out["keras_weights"] = layer.get_weights()
    try:  # the case's call (its options drawn) with Keras's weights, from fresh states
        if weights is not None:
            layer.set_weights(weights)
        if getattr(layer, "stateful", False):
            try:
                layer.reset_states()
            except AttributeError:  # (Keras: a list of cells' nested states, a known crash)
                for v in _flat(layer.states):
                    v.assign(np.zeros(v.shape, v.dtype))
        y = _call(layer, case, xs, options=True)
    except Exception as e:  # noqa: BLE001
        return {**out, "error": "call options " + _error(e), "message": str(e)[:200]}
    out["weights_after"] = [np.asarray(w, "float64") for w in layer.get_weights()]
    ys = _flat(y)  # (Keras's eager states of a list of cells nest `[h]`; its symbolic ones not)
    out["shapes"] = [list(np.shape(t)) for t in ys]
    out["dtypes"] = [str(np.asarray(t).dtype) for t in ys]
    out["values"] = [np.asarray(t, "float64") for t in ys]
    out["masks"] = [_output_mask(t) for t in ys]
    out["returns_input"] = any(t is x for t in ys for x in _call.inputs)
    out["losses"] = [float(np.asarray(v)) for v in layer.losses]
    out["config"] = _config(layer, case)
    for attr in ("dtype", "compute_dtype", "variable_dtype"):
        out[attr] = str(getattr(layer, attr))
    try:
        shapes = [(None, *x.shape[1:]) for x in xs]
        if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
            cos = layer.compute_output_shape(*shapes)
        else:
            cos = layer.compute_output_shape(shapes[0] if len(shapes) == 1 else shapes)
        out["compute_output_shape"] = _jsonable(cos)
    except Exception as e:  # noqa: BLE001
        out["compute_output_shape"] = "error " + _error(e)
    try:  # a functional model on a fresh copy (stateful: the batch size fixed)
        twin = type(layer).from_config(layer.get_config())
        ins = [K.Input(batch_shape=x.shape, dtype=str(x.dtype)) for x in xs]
        if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
            sym = twin(ins[0], ins[1])
        elif len(ins) > 1:
            sym = twin(ins)
        else:
            sym = twin(ins[0])
        syms = sym if isinstance(sym, (list, tuple)) else [sym]
        out["symbolic"] = [[list(t.shape), str(t.dtype)] for t in syms]
    except Exception as e:  # noqa: BLE001
        out["symbolic"] = "error " + _error(e) + " " + str(e)[:150]
    return out


def _tolerance(case) -> float:
    if str(case["kwargs"].get("dtype")).endswith("float16"):
        return 2e-2  # (float16's rounding, spectrograms' too)
    if case["name"] in ("MelSpectrogram", "STFTSpectrogram"):
        return 1e-3  # (Keras-JAX's float32 FFTs of 2048 points: numkeras is nearer float64)
    return 2e-4


def compare(case, a: dict, b: dict) -> list[str]:
    diffs = []
    if "error" not in a and "error" in b and any(0 in shape for shape in a["shapes"]):
        return diffs  # (numkeras refuses an empty output, as Keras's symbolic call does)
    kw = case["kwargs"]
    if (
        case["name"] == "MultiHeadAttention"
        and a.get("error") == "call TypeError"
        and kw.get("value_dim") not in (None, kw.get("key_dim"))
    ):
        return diffs  # (Keras-JAX's fused attention crashes when value_dim != key_dim)
    if case["name"] == "RMSNormalization" and "broadcasting" in a.get("message", ""):
        return diffs  # (Keras lines `scale` up with the last axes whatever `axis` says)
    if "Unsupported dtype float16" in a.get("message", ""):
        return diffs  # (Keras-JAX's Orthogonal initializer crashes on float16 weights)
    if case["name"] in ("Identity", "ELU") and "non-serializable" in a.get("message", ""):
        return diffs  # (Keras's Identity and ELU cannot write their config with an object)
    if case["name"] == "SimpleRNN" and kw.get("activity_regularizer") == "l1_l2":
        return diffs  # (Keras's SimpleRNN never reads the argument: it takes a bad name too)
    if case["name"] == "SimpleRNN" and "OrthogonalRegularizer" in b.get("message", ""):
        return diffs  # (nor applies it: on a 3-D output numkeras refuses it, as Keras's LSTM)
    if (
        case["name"].startswith("SpatialDropout") or case["name"] in ("Discretization", "Pipeline")
    ) and "unexpected keyword argument" in a.get("message", ""):
        return diffs  # (Keras 3's constructors take no base-layer argument; Keras 2's did)
    if "error" in a or "error" in b:
        if a.get("error") != b.get("error"):
            diffs.append(
                f"error: keras {a.get('error')} {a.get('message', '')!r} | "
                f"numkeras {b.get('error')} {b.get('message', '')!r}"
            )
        return diffs
    f64 = str(case["kwargs"].get("dtype")).split(":")[-1] == "float64"
    crop = case["name"] == "RandomCrop"  # (Keras 3.15 returns the input at inference)
    # (Keras's SimpleRNN drops its activity_regularizer: its config says None, no loss)
    dropped_activity = case["name"] == "SimpleRNN" and "activity_regularizer" in kw
    if kw.get("trainable") is False:  # (the variables' own flags: Keras's differ by class)
        a, b = dict(a), dict(b)
        for lib in (a, b):
            lib["weights"] = [w[:2] for w in lib["weights"]]
    if case["name"] in ("MultiHeadAttention", "GroupedQueryAttention"):
        # (Keras's scores keep the mask its inner Softmax layer recorded for them)
        a, b = {**a, "masks": a["masks"][:1]}, {**b, "masks": b["masks"][:1]}
    legacy = "input_shape" in kw or kw.get("input_dim") == "sample_dim"
    if legacy:  # (Keras's auto configs, ELU's and Identity's, keep them)
        a = {**a, **{k: {**a[k]} for k in ("config_init", "config") if k in a}}
        for k in ("config_init", "config"):
            a.get(k, {}).pop("input_shape", None)
            if kw.get("input_dim") == "sample_dim":
                a.get(k, {}).pop("input_dim", None)
    if a.get("returns_input"):  # (Keras's no-op returns its input: the mask it carries)
        a, b = {**a, "masks": None}, {**b, "masks": None}
    if case["name"] == "SpectralNormalization" and kw.get("dtype") not in (None, "float32"):
        a, b = {**a, "masks": None}, {**b, "masks": None}  # (Keras's cast drops the mask)
    for key in (
        "weights",
        "trainable_weights",
        "shapes",
        "config_init",
        "config",
        "compute_output_shape",
        "symbolic",
        "dtype",
        "compute_dtype",
        "variable_dtype",
        "set_weights",
        "masks",
    ):
        if key == "symbolic" and f64 and isinstance(a.get(key), list):
            continue
        if key == "shapes" and crop:
            continue
        if key.startswith("config") and dropped_activity:
            continue
        if key == "symbolic" and str(a.get(key)).startswith("error TypeError Error when deser"):
            continue  # (Keras's RandomShear cannot load its own config: `x_factor=(-f, f)`)
        if key in ("compute_output_shape", "symbolic") and case["name"] == "EinsumDense":
            continue  # (numkeras gives the input's size where Keras keeps output_shape's None)
        if key == "compute_output_shape" and a.get(key) == "error NotImplementedError":
            continue  # (Keras's Pipeline has none; numkeras's gives its layers' shapes)
        if (
            key in ("compute_output_shape", "symbolic")
            and case["name"] == "CategoryEncoding"
            and case["kind"] == "ids3"
            and kw.get("output_mode", "multi_hot") != "one_hot"
        ):
            continue  # (Keras's eager call of rank 3 folds axis 1, its shapes keep it)
        if a.get(key) != b.get(key):
            diffs.append(f"{key}: keras {a.get(key)} | numkeras {b.get(key)}")
    # (a mixed Bidirectional's float32 inner layers: Keras's eager states are float32,
    # its symbolic ones float16, as numkeras's both ways)
    mixed_states = case["name"] == "Bidirectional" and "mixed" in str(kw.get("dtype"))
    # (and a mixed TimeDistributed of a float32 LSTM: Keras's eager output is float32)
    inner = kw.get("layer") if isinstance(kw.get("layer"), dict) else {}
    mixed_states |= inner.get("class_name") == "LSTM" and "mixed" in str(kw.get("dtype"))
    # (open: Keras's eager reverse call of a mixed ReversibleEmbedding returns float32)
    mixed_reverse = case.get("call", {}).get("reverse") and "mixed" in str(kw.get("dtype"))
    if a["dtypes"] != b["dtypes"] and not (f64 or crop or mixed_states or mixed_reverse):
        diffs.append(f"dtypes: keras {a['dtypes']} | numkeras {b['dtypes']}")
    training_random = case["name"].startswith(("Dropout", "SpatialDropout"))
    # (Keras's unrolled loop ignores zero_output_for_mask: it repeats the last output)
    unrolled_zeros = kw.get("unroll") and kw.get("zero_output_for_mask") and "mask" in case["call"]
    if a["shapes"] == b["shapes"] and not training_random and not crop and not unrolled_zeros:
        tol = _tolerance(case)
        for i, (u, v) in enumerate(zip(a["values"], b["values"])):
            if not np.allclose(u, v, rtol=tol, atol=tol, equal_nan=True):
                diffs.append(f"values[{i}]: max diff {np.nanmax(np.abs(u - v)):.3g}")
    after_a, after_b = a.get("weights_after", []), b.get("weights_after", [])
    if len(after_a) != len(after_b) or not all(
        u.shape == v.shape and np.allclose(u, v, rtol=_tolerance(case), atol=_tolerance(case))
        for u, v in zip(after_a, after_b)
    ):
        diffs.append("weights after the call differ")
    if dropped_activity or crop or unrolled_zeros:  # (Keras's crop: its input's penalty;
        return diffs  # the unrolled loop's: penalties of the outputs it gives)
    # (a float16 layer's penalties: Keras sums them in float16, each addition rounded, so
    # within 1e-2, as the values)
    rtol = 1e-2 if str(kw.get("dtype")).endswith("float16") else 1e-4
    if len(a["losses"]) != len(b["losses"]) or not np.allclose(
        a["losses"], b["losses"], rtol=rtol, atol=1e-6, equal_nan=True
    ):
        diffs.append(f"losses: keras {a['losses']} | numkeras {b['losses']}")
    return diffs


def main(argv):
    import keras

    import numkeras

    warnings.simplefilter("ignore")
    seed, count = int(argv[0]), int(argv[1])
    extended, extended_2 = seed >= EXTENDED_FROM, seed >= EXTENDED_2_FROM
    extended_3, extended_4 = seed >= EXTENDED_3_FROM, seed >= EXTENDED_4_FROM
    names = argv[2:] or sorted(SPECS) + (sorted(EXTRA_SPECS) if extended else [])
    names = [n for n in names if hasattr(numkeras.layers, n)]
    rng = np.random.default_rng(seed)
    found = 0
    for i in range(count):
        name = names[rng.integers(len(names))]
        extended_6 = seed >= EXTENDED_6_FROM
        case = draw(rng, name, extended, extended_2, extended_3, extended_4, extended_6)
        case["call"] = draw_call(rng, case, seed >= EXTENDED_5_FROM, extended_6)
        keras.utils.clear_session()
        numkeras.utils.clear_session()
        try:
            a = run_case(keras, case)
        except Exception as e:  # noqa: BLE001
            a = {"error": "crash " + _error(e), "message": str(e)[:200]}
        try:
            b = run_case(numkeras, case, a.get("keras_weights"))
        except Exception as e:  # noqa: BLE001
            b = {"error": "crash " + _error(e), "message": str(e)[:200]}
        diffs = compare(case, a, b)
        if diffs:
            found += 1
            print(f"== {seed}/{i} {json.dumps(case)}")
            for d in diffs:
                print("   ", d[:600])
    print(f"{found} of {count} cases differ")


if __name__ == "__main__":
    main(sys.argv[1:])
