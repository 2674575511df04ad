// Placeholder: the Stochastic module.
