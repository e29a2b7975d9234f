//! Charts drawn with plotters, generic over the backend.
