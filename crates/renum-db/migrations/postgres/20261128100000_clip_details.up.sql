-- Clip details: what OpusClip says about a clip, kept on its video row so a post can be
-- written from it (description, hashtags) and clips list in the provider's order
-- (clip_position). All three are new nullable or constant-default columns: catalog-only.
SET lock_timeout = '5s';
ALTER TABLE videos ADD COLUMN description text;
ALTER TABLE videos ADD COLUMN hashtags text[] NOT NULL DEFAULT '{}';
ALTER TABLE videos ADD COLUMN clip_position integer;
-- New rows only until validated; every existing row has nulls/empty arrays, which pass.
ALTER TABLE videos ADD CONSTRAINT videos_description_check CHECK (char_length(description) <= 65535) NOT VALID;
ALTER TABLE videos ADD CONSTRAINT videos_hashtags_check CHECK (cardinality(hashtags) <= 100) NOT VALID;
ALTER TABLE videos ADD CONSTRAINT videos_clip_position_check CHECK (clip_position >= 0) NOT VALID;
COMMENT ON COLUMN videos.description IS 'A clip''s description as the provider wrote it (a post''s default text)';
COMMENT ON COLUMN videos.hashtags IS 'A clip''s hashtags without the leading #, as the provider suggested them';
COMMENT ON COLUMN videos.clip_position IS 'A clip''s 0-based position in the provider''s listing of its project: the order of GET /v1/videos/{id}/clips';
COMMENT ON CONSTRAINT videos_description_check ON videos IS 'char_length(description) <= 65535, like posts.description';
COMMENT ON CONSTRAINT videos_hashtags_check ON videos IS 'At most 100 hashtags, like posts.hashtags';
COMMENT ON CONSTRAINT videos_clip_position_check ON videos IS 'clip_position >= 0';
