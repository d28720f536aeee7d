"""What comes in: params, the register, readers of survey exports, codebooks, validation, the sample."""
