"""Where documents live: the store (revision-checked saves), the data folder (a local folder or an
object store) and the published exports a QR code downloads."""
