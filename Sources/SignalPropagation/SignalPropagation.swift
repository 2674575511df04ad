// Placeholder: the SignalPropagation module.
