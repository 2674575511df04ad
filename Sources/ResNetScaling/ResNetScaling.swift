// The ResNetScaling library: one import for the whole toolkit.
@_exported import Support
@_exported import DenseKernels
@_exported import Stochastic
@_exported import ResNets
@_exported import SignalPropagation
@_exported import Plots
@_exported import Persistence
@_exported import Resources
@_exported import Figures
@_exported import Training
@_exported import DatasetFetch
@_exported import Experiments
@_exported import Reports
