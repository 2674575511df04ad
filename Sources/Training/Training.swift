// Placeholder: the Training module.
