"""The intake queue: requests for pairing, answered by reuse first, in a fair order."""
