"""Text toolkit: quotes, quantities, names and times read by code."""
