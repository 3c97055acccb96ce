"""Vozzo's call-intelligence API (``shared/api-contracts/vozzo-callintel.txt``)."""
