"""DataSud: the open data platform of Région Sud Provence-Alpes-Côte d'Azur."""
