"""Explanations of gradients: how each one was computed."""
