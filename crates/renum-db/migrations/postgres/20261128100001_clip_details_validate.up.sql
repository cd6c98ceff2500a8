-- Validates the CHECKs 20261128100000_clip_details added NOT VALID. VALIDATE CONSTRAINT takes
-- only SHARE UPDATE EXCLUSIVE, so reads and writes go on while it scans videos.
SET lock_timeout = '5s';
ALTER TABLE videos VALIDATE CONSTRAINT videos_description_check;
ALTER TABLE videos VALIDATE CONSTRAINT videos_hashtags_check;
ALTER TABLE videos VALIDATE CONSTRAINT videos_clip_position_check;
