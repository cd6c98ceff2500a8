-- Clip details: see the PostgreSQL migration of the same name.
ALTER TABLE videos ADD COLUMN description TEXT CONSTRAINT videos_description_check CHECK (length(description) <= 65535);
ALTER TABLE videos ADD COLUMN hashtags TEXT_ARRAY NOT NULL DEFAULT '[]' CONSTRAINT videos_hashtags_check CHECK (json_valid(hashtags) AND json_type(hashtags) = 'array' AND json_array_length(hashtags) <= 100);
ALTER TABLE videos ADD COLUMN clip_position INTEGER CONSTRAINT videos_clip_position_check CHECK (clip_position >= 0);
