//! Human phrasing of times relative to now: "3d ago", "4h left", "breached 2d".
