// Placeholder: the Plots module.
