-- One-time sign-in codes (`wangge serve --sign-in-codes`): at most one per user, so issuing
-- a new code replaces (voids) the older one, and the row's `created_at` is what the resend
-- interval is measured from. Only a digest of the code is stored (auth/sign_in_code.rs).
-- A code is live while `used_at` is null, `expires_at` is ahead and `tries` is under the
-- limit; every try, right or wrong, counts.
-- Keep in step with the other engine's 0015_sign_in_codes.sql.
CREATE TABLE sign_in_codes (
    user_id     BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_digest TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    tries       BIGINT NOT NULL DEFAULT 0,
    used_at     BIGINT
);
