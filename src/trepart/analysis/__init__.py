"""Pure analysis core: no Django."""
