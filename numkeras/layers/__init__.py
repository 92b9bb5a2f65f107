"""Layers: `from numkeras.layers import Dense` as `from keras.layers import Dense`."""

from numkeras.layers.activation import Activation
from numkeras.layers.activity_regularization import ActivityRegularization
from numkeras.layers.adaptive_pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
)
from numkeras.layers.additive_attention import AdditiveAttention
from numkeras.layers.alpha_dropout import AlphaDropout
from numkeras.layers.attention import Attention
from numkeras.layers.aug_mix import AugMix
from numkeras.layers.auto_contrast import AutoContrast
from numkeras.layers.average_pooling1d import AveragePooling1D, AvgPool1D
from numkeras.layers.average_pooling2d import AveragePooling2D, AvgPool2D
from numkeras.layers.average_pooling3d import AveragePooling3D, AvgPool3D
from numkeras.layers.batch_normalization import BatchNormalization
from numkeras.layers.bidirectional import Bidirectional
from numkeras.layers.category_encoding import CategoryEncoding
from numkeras.layers.center_crop import CenterCrop
from numkeras.layers.clahe import ContrastLimitedAdaptiveHistogramEqualization
from numkeras.layers.conv1d import Conv1D, Convolution1D
from numkeras.layers.conv1d_transpose import Conv1DTranspose, Convolution1DTranspose
from numkeras.layers.conv2d import Conv2D, Convolution2D
from numkeras.layers.conv2d_transpose import Conv2DTranspose, Convolution2DTranspose
from numkeras.layers.conv3d import Conv3D, Convolution3D
from numkeras.layers.conv3d_transpose import Conv3DTranspose, Convolution3DTranspose
from numkeras.layers.conv_lstm1d import ConvLSTM1D
from numkeras.layers.conv_lstm2d import ConvLSTM2D
from numkeras.layers.conv_lstm3d import ConvLSTM3D
from numkeras.layers.cropping1d import Cropping1D
from numkeras.layers.cropping2d import Cropping2D
from numkeras.layers.cropping3d import Cropping3D
from numkeras.layers.cut_mix import CutMix
from numkeras.layers.dense import Dense
from numkeras.layers.depthwise_conv1d import DepthwiseConv1D
from numkeras.layers.depthwise_conv2d import DepthwiseConv2D
from numkeras.layers.discretization import Discretization
from numkeras.layers.dropout import Dropout
from numkeras.layers.einsum_dense import EinsumDense
from numkeras.layers.elu import ELU
from numkeras.layers.embedding import Embedding
from numkeras.layers.equalization import Equalization
from numkeras.layers.flatten import Flatten
from numkeras.layers.gaussian_dropout import GaussianDropout
from numkeras.layers.gaussian_noise import GaussianNoise
from numkeras.layers.global_average_pooling1d import GlobalAveragePooling1D, GlobalAvgPool1D
from numkeras.layers.global_average_pooling2d import GlobalAveragePooling2D, GlobalAvgPool2D
from numkeras.layers.global_average_pooling3d import GlobalAveragePooling3D, GlobalAvgPool3D
from numkeras.layers.global_max_pooling1d import GlobalMaxPool1D, GlobalMaxPooling1D
from numkeras.layers.global_max_pooling2d import GlobalMaxPool2D, GlobalMaxPooling2D
from numkeras.layers.global_max_pooling3d import GlobalMaxPool3D, GlobalMaxPooling3D
from numkeras.layers.group_normalization import GroupNormalization
from numkeras.layers.grouped_query_attention import GroupedQueryAttention, GroupQueryAttention
from numkeras.layers.gru import GRU, GRUCell
from numkeras.layers.hashed_crossing import HashedCrossing
from numkeras.layers.hashing import Hashing
from numkeras.layers.identity import Identity
from numkeras.layers.input_layer import Input, InputLayer
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.integer_lookup import IntegerLookup
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.layers.lambda_layer import Lambda
from numkeras.layers.layer import Layer
from numkeras.layers.layer_normalization import LayerNormalization
from numkeras.layers.leaky_relu import LeakyReLU
from numkeras.layers.lstm import LSTM, LSTMCell
from numkeras.layers.masking import Masking
from numkeras.layers.max_num_bounding_boxes import MaxNumBoundingBoxes
from numkeras.layers.max_pooling1d import MaxPool1D, MaxPooling1D
from numkeras.layers.max_pooling2d import MaxPool2D, MaxPooling2D
from numkeras.layers.max_pooling3d import MaxPool3D, MaxPooling3D
from numkeras.layers.mel_spectrogram import MelSpectrogram
from numkeras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from numkeras.layers.mix_up import MixUp
from numkeras.layers.multi_head_attention import MultiHeadAttention
from numkeras.layers.permute import Permute
from numkeras.layers.pipeline import Pipeline
from numkeras.layers.prelu import PReLU
from numkeras.layers.preprocessing_normalization import Normalization
from numkeras.layers.rand_augment import RandAugment
from numkeras.layers.random_brightness import RandomBrightness
from numkeras.layers.random_color_degeneration import RandomColorDegeneration
from numkeras.layers.random_color_jitter import RandomColorJitter
from numkeras.layers.random_contrast import RandomContrast
from numkeras.layers.random_crop import RandomCrop
from numkeras.layers.random_elastic_transform import RandomElasticTransform
from numkeras.layers.random_erasing import RandomErasing
from numkeras.layers.random_flip import RandomFlip
from numkeras.layers.random_gaussian_blur import RandomGaussianBlur
from numkeras.layers.random_grayscale import RandomGrayscale
from numkeras.layers.random_hue import RandomHue
from numkeras.layers.random_invert import RandomInvert
from numkeras.layers.random_perspective import RandomPerspective
from numkeras.layers.random_posterization import RandomPosterization
from numkeras.layers.random_rotation import RandomRotation
from numkeras.layers.random_saturation import RandomSaturation
from numkeras.layers.random_sharpness import RandomSharpness
from numkeras.layers.random_shear import RandomShear
from numkeras.layers.random_translation import RandomTranslation
from numkeras.layers.random_zoom import RandomZoom
from numkeras.layers.relu import ReLU
from numkeras.layers.repeat_vector import RepeatVector
from numkeras.layers.rescaling import Rescaling
from numkeras.layers.reshape import Reshape
from numkeras.layers.resizing import Resizing
from numkeras.layers.reversible_embedding import ReversibleEmbedding
from numkeras.layers.rms_normalization import RMSNormalization
from numkeras.layers.rnn import RNN
from numkeras.layers.separable_conv1d import SeparableConv1D, SeparableConvolution1D
from numkeras.layers.separable_conv2d import SeparableConv2D, SeparableConvolution2D
from numkeras.layers.simple_rnn import SimpleRNN, SimpleRNNCell
from numkeras.layers.softmax import Softmax
from numkeras.layers.solarization import Solarization
from numkeras.layers.spatial_dropout import SpatialDropout1D, SpatialDropout2D, SpatialDropout3D
from numkeras.layers.spectral_normalization import SpectralNormalization
from numkeras.layers.stacked_rnn_cells import StackedRNNCells
from numkeras.layers.stft_spectrogram import STFTSpectrogram
from numkeras.layers.string_lookup import StringLookup
from numkeras.layers.text_vectorization import TextVectorization
from numkeras.layers.thresholded_relu import ThresholdedReLU
from numkeras.layers.time_distributed import TimeDistributed
from numkeras.layers.unit_normalization import UnitNormalization
from numkeras.layers.up_sampling1d import UpSampling1D
from numkeras.layers.up_sampling2d import UpSampling2D
from numkeras.layers.up_sampling3d import UpSampling3D
from numkeras.layers.wrapper import Wrapper
from numkeras.layers.zero_padding1d import ZeroPadding1D
from numkeras.layers.zero_padding2d import ZeroPadding2D
from numkeras.layers.zero_padding3d import ZeroPadding3D

__all__ = [
    "CategoryEncoding",
    "Discretization",
    "Normalization",
    "Activation",
    "Add",
    "BatchNormalization",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "Dense",
    "Dropout",
    "ELU",
    "Flatten",
    "Input",
    "InputLayer",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "LeakyReLU",
    "ThresholdedReLU",
    "Masking",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "MaxNumBoundingBoxes",
    "MelSpectrogram",
    "STFTSpectrogram",
    "PReLU",
    "ReLU",
    "Reshape",
    "Softmax",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution1D",
    "Convolution2D",
    "Convolution2DTranspose",
    "Cropping2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "UpSampling2D",
    "ZeroPadding2D",
    "AveragePooling3D",
    "AvgPool3D",
    "Conv1DTranspose",
    "Convolution1DTranspose",
    "Conv3D",
    "Convolution3D",
    "Conv3DTranspose",
    "Convolution3DTranspose",
    "Cropping1D",
    "Cropping3D",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool3D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling3D",
    "MaxPool3D",
    "MaxPooling3D",
    "SeparableConv1D",
    "SeparableConvolution1D",
    "SeparableConv2D",
    "SeparableConvolution2D",
    "UpSampling1D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding3D",
    "ActivityRegularization",
    "AlphaDropout",
    "Embedding",
    "ReversibleEmbedding",
    "GaussianDropout",
    "GaussianNoise",
    "Identity",
    "Lambda",
    "GroupNormalization",
    "LayerNormalization",
    "Permute",
    "RepeatVector",
    "Rescaling",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "UnitNormalization",
    "Bidirectional",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "TimeDistributed",
    "Wrapper",
    "AdditiveAttention",
    "Attention",
    "EinsumDense",
    "MultiHeadAttention",
    "CenterCrop",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Resizing",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "StringLookup",
    "TextVectorization",
    "StackedRNNCells",
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
    "RMSNormalization",
    "SpectralNormalization",
    "SpatialDropout3D",
    "ConvLSTM1D",
    "ConvLSTM2D",
    "ConvLSTM3D",
    "AugMix",
    "AutoContrast",
    "CutMix",
    "Equalization",
    "MixUp",
    "Pipeline",
    "RandAugment",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomErasing",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPosterization",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "Solarization",
    "GroupQueryAttention",
    "GroupedQueryAttention",
    "RandomElasticTransform",
    "RandomPerspective",
]


def serialize(layer) -> dict:
    """A layer's Keras config (`keras.layers.serialize`)."""
    from numkeras.saving.serialization_lib import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config: dict, custom_objects: dict | None = None):
    """The layer a Keras config describes (`keras.layers.deserialize`); known classes and
    `custom_objects` only, no code is run."""
    from numkeras.models.config import deserialize_layer

    return deserialize_layer(config, custom_objects)


__all__ += ["deserialize", "serialize"]
