-- wrk script (bench/http/run.sh): asks the paths of a file (one per line) in turn, so that the
-- page cache misses. Thread i of n asks lines i, i + n, i + 2n...: no two requests of one pass
-- over the file ask the same page.
--   wrk -t2 ... -s rotate.lua http://127.0.0.1:38090 -- paths.txt 2

local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  step = tonumber(args[2])
  position = thread_index % #paths + 1
end

function request()
  local path = paths[position]
  position = (position - 1 + step) % #paths + 1
  return wrk.format(nil, path)
end
