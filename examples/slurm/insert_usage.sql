-- Usage rows for one user association on cluster "test", as slurmdbd's rollup would write them: the hour, day and
-- month tables of the association and of the cluster (so sreport has a denominator). Works on the 22.05 and 24.11
-- schemas (24.11 adds id_alt with default 0). From shared/reference/slurm/recipe/insert_usage_any.sql, plus GPU
-- minutes (TRES gres/gpu, which scripts/slurm-stack registers).
-- Set @user, @acct, @day ('YYYY-MM-DD'), @cpu_secs and @gpu_secs first; `scripts/slurm-stack seed` does, from a
-- `usage USER ACCOUNT DAY CPU_MINUTES [GPU_MINUTES]` line. Idempotent: applied again, a user's day is set, not added.
-- The month row holds that day's usage only (one usage day per user and month).
SET @id := (SELECT id_assoc FROM test_assoc_table WHERE user=@user AND acct=@acct AND deleted=0 AND `partition`='');
SET @gpu := (SELECT id FROM tres_table WHERE type='gres' AND name='gpu' AND deleted=0);
SET @d := UNIX_TIMESTAMP(CONCAT(@day,' 00:00:00')), @now := UNIX_TIMESTAMP();
SET @m := UNIX_TIMESTAMP(CONCAT(DATE_FORMAT(@day,'%Y-%m-01'),' 00:00:00'));

INSERT INTO test_assoc_usage_hour_table (creation_time, mod_time, deleted, id, id_tres, time_start, alloc_secs)
  SELECT @now,@now,0,@id,t.id,@d+3600*10,t.secs FROM (SELECT 1 AS id, @cpu_secs AS secs UNION ALL SELECT @gpu, @gpu_secs) t
  WHERE t.secs > 0 AND @id IS NOT NULL
  ON DUPLICATE KEY UPDATE alloc_secs=VALUES(alloc_secs);
INSERT INTO test_assoc_usage_day_table (creation_time, mod_time, deleted, id, id_tres, time_start, alloc_secs)
  SELECT @now,@now,0,@id,t.id,@d,t.secs FROM (SELECT 1 AS id, @cpu_secs AS secs UNION ALL SELECT @gpu, @gpu_secs) t
  WHERE t.secs > 0 AND @id IS NOT NULL
  ON DUPLICATE KEY UPDATE alloc_secs=VALUES(alloc_secs);
INSERT INTO test_assoc_usage_month_table (creation_time, mod_time, deleted, id, id_tres, time_start, alloc_secs)
  SELECT @now,@now,0,@id,t.id,@m,t.secs FROM (SELECT 1 AS id, @cpu_secs AS secs UNION ALL SELECT @gpu, @gpu_secs) t
  WHERE t.secs > 0 AND @id IS NOT NULL
  ON DUPLICATE KEY UPDATE alloc_secs=VALUES(alloc_secs);

-- cluster capacity (1024 CPUs, 64 GPUs), so sreport has a denominator; left as it is when already there
INSERT INTO test_usage_hour_table (creation_time, mod_time, deleted, id_tres, time_start, count, alloc_secs, idle_secs)
  SELECT @now,@now,0,t.id,@d+3600*10,t.n,0,t.n*3600 FROM (SELECT 1 AS id, 1024 AS n UNION ALL SELECT @gpu, 64) t
  WHERE @id IS NOT NULL AND t.id IS NOT NULL
  ON DUPLICATE KEY UPDATE mod_time=mod_time;
INSERT INTO test_usage_day_table (creation_time, mod_time, deleted, id_tres, time_start, count, alloc_secs, idle_secs)
  SELECT @now,@now,0,t.id,@d,t.n,0,t.n*86400 FROM (SELECT 1 AS id, 1024 AS n UNION ALL SELECT @gpu, 64) t
  WHERE @id IS NOT NULL AND t.id IS NOT NULL
  ON DUPLICATE KEY UPDATE mod_time=mod_time;
INSERT INTO test_usage_month_table (creation_time, mod_time, deleted, id_tres, time_start, count, alloc_secs, idle_secs)
  SELECT @now,@now,0,t.id,@m,t.n,0,t.n*86400*30 FROM (SELECT 1 AS id, 1024 AS n UNION ALL SELECT @gpu, 64) t
  WHERE @id IS NOT NULL AND t.id IS NOT NULL
  ON DUPLICATE KEY UPDATE mod_time=mod_time;

SELECT IF(@id IS NULL, CONCAT('no association for ', @user, ' in ', @acct), 'ok') AS result;
