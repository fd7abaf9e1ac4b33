"""The installation's accessibility statement (tilgjengelighetserklæring / tilgængelighedserklæring)."""
