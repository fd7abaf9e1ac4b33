"""The accessibility statement (tilgjengelighetserklæring, tilgængelighedserklæring)."""
