"""Exports: the PDF book, its QR code, and the fonts that print every language offered."""
