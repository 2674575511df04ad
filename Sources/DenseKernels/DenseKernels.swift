// Placeholder: the DenseKernels module.
