ALTER TABLE videos DROP COLUMN clip_position;
ALTER TABLE videos DROP COLUMN hashtags;
ALTER TABLE videos DROP COLUMN description;
