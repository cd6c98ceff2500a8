DROP TABLE api_logs;
DROP TABLE posts;
DROP TABLE clip_projects;
DROP TABLE videos;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organizations;
