"""Export: TF Serving SavedModels and TFLite files with the tokenizer inside."""
