// Placeholder: the Experiments module.
