// Placeholder: the ResNets module.
