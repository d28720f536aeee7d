"""Pure computation and words: metrics, numbers, formatting, the word catalogue, narrative, charts."""
