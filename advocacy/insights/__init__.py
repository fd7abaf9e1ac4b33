"""Corps health over years for leaders and curators, read from the monthly rollups only."""
