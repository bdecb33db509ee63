"""What a run leaves on disk: the crash-safe results store (``store``) and the exported model file with the types
loading it may trust (``model_file``)."""
