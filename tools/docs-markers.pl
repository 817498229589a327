#!/usr/bin/perl
# docs-markers.pl - the marker engine of tools/docs.sh: writes, or checks,
# the generated parts of README.md and docs/*.md. Called by tools/docs.sh,
# which has made the figures; not meant to be run by hand.
#
# usage: docs-markers.pl write|check FIGURES BLOCKS_DIR SOURCES FILE...
#
#   FIGURES     "KEY VALUE" lines (tools/docs.sh says which keys exist)
#   BLOCKS_DIR  one file per generated block, named after the block
#   SOURCES     "NAME FILE" lines: the logs quotes are taken from
#
# The markers, in the Markdown files (HTML comments, so they do not show):
#
#   <!-- fig:EXPR -->VALUE<!-- end -->
#       EXPR is a key, or keys and numbers with + - * / ( ); an optional
#       last word is a printf format (e.g. %.2f), or "raw" for an integer
#       without thousands separators. VALUE is the figure as shown.
#   <!-- quote:SOURCE /REGEX/ -->`TEXT`<!-- end -->
#       TEXT is the first match of the Perl REGEX in the log SOURCE.
#   <!-- figures:NAME --> on a line of its own, the block NAME, then
#   <!-- end --> on a line of its own. NAME is a file of BLOCKS_DIR, or
#   "SOURCE /REGEX/": every line of SOURCE that matches, in a code block;
#   "SOURCE /REGEX/ N": only the first N of them.
#
# write: replaces what is between each marker and its end with the fresh
# text. check: prints one line per stale part, "FILE:LINE: WHAT: committed
# X, fresh Y", and exits with 1 if there was one. Either way a marker whose
# source was not given is left as it is (check: counted as not checked), and
# a bad marker (unknown key, no match, no end) is an error naming it.
# The last line of check says how many parts were checked.
use strict;
use warnings;

my ($mode, $figfile, $blockdir, $srcfile, @files) = @ARGV;
die "usage: $0 write|check FIGURES BLOCKS_DIR SOURCES FILE...\n"
	unless defined $srcfile && ($mode eq 'write' || $mode eq 'check');

my %fig;
open my $fh, '<', $figfile or die "docs: cannot read $figfile\n";
while (<$fh>) { chomp; my ($k, $v) = split / /, $_, 2; $fig{$k} = $v if defined $v; }
close $fh;
my %src;
open $fh, '<', $srcfile or die "docs: cannot read $srcfile\n";
while (<$fh>) { chomp; my ($k, $v) = split / /, $_, 2; $src{$k} = $v if defined $v; }
close $fh;

my %lines_of;    # SOURCE -> [lines], read once, without CR and escapes
sub lines_of {
	my ($name) = @_;
	return $lines_of{$name} if $lines_of{$name};
	open my $in, '<', $src{$name} or die "docs: cannot read $src{$name}\n";
	my @l = map { s/\r//g; s/\e\[[0-9;?]*[A-Za-z]//g; chomp; $_ } <$in>;
	close $in;
	return $lines_of{$name} = \@l;
}

# The sources a key needs: the experiment's table needs both boots.
sub key_sources {
	my ($k) = @_;
	return ("bench-switch-$1") if $k =~ /^bench\.vm_switch_(\d+)$/;
	return ('bench-exits', 'bench-containers') if $k =~ /^bench\./;
	return ($1) if $k =~ /^log\.([a-z-]+)\./;
	return ('baseline', 'experiment');
}

my ($errors, $stale, $checked, $skipped) = (0, 0, 0, 0);
sub bad { my ($where, $msg) = @_; print STDERR "$where: $msg\n"; $errors++; }

# commas N: thousands separators in the integer part.
sub commas {
	my ($n) = @_;
	my ($int, $frac) = $n =~ /^(-?\d+)(\.\d+)?$/ or return $n;
	1 while $int =~ s/^(-?\d+)(\d{3})/$1,$2/;
	return $int . ($frac // '');
}

# figure EXPR [FORMAT] -> (text) or () if a source is missing; dies on a bad marker.
sub figure {
	my ($spec) = @_;
	my ($expr, $format) = ($spec, '');
	($expr, $format) = ($1, $2) if $spec =~ /^(.*\S)\s+(raw|%\S+)$/;
	my @keys = $expr =~ /([a-z][a-z0-9_.-]*[a-z0-9_])/g;
	for my $k (@keys) {
		return () if grep { !exists $src{$_} } key_sources($k);
		die "no figure $k\n" unless exists $fig{$k};
		die "figure $k is missing in the run\n" if $fig{$k} !~ /^-?\d+(\.\d+)?$/;
	}
	my $value;
	if (@keys == 1 && $expr eq $keys[0]) {
		$value = $fig{$expr};
	} else {
		(my $e = $expr) =~ s/([a-z][a-z0-9_.-]*[a-z0-9_])/($fig{$1})/g;
		die "bad expression $expr\n" unless $e =~ /^[-+*\/().\d\s]+$/;
		$value = eval $e;
		die "cannot compute $expr\n" unless defined $value;
	}
	return "$value" if $format eq 'raw';
	return commas(sprintf($format, $value)) if $format =~ /^%/;
	return commas($value == int($value) ? sprintf('%d', $value) : "$value");
}

# quote SOURCE /REGEX/ -> (text) or () if the source is missing.
sub quote {
	my ($spec) = @_;
	my ($name, $re) = $spec =~ m{^([a-z-]+) /(.*)/$} or die "bad quote marker\n";
	return () unless exists $src{$name};
	for (@{lines_of($name)}) { return ("`$&`") if /$re/; }
	die "no line of $name matches /$re/\n";
}

# block NAME -> (lines) or ().
sub block {
	my ($name) = @_;
	if ($name =~ m{^([a-z-]+) /(.*)/(?: (\d+))?$}) {
		my ($s, $re, $first) = ($1, $2, $3);
		return () unless exists $src{$s};
		my @l = grep { /$re/ } @{lines_of($s)};
		die "no line of $s matches /$re/\n" unless @l;
		die "only " . @l . " lines of $s match /$re/, not $first\n" if $first && @l < $first;
		splice @l, $first if $first;
		return ('```', @l, '```');
	}
	my $f = "$blockdir/$name";
	return () unless -e $f;
	open my $in, '<', $f or die "cannot read block $name\n";
	my @l = map { chomp; $_ } <$in>;
	close $in;
	return @l;
}

# What to name a stale line of a block: its row label (the text before two
# spaces), else the line itself.
sub row_of { my ($l) = @_; $l =~ s/^\s+//; $l =~ s/\s{2,}.*//; return "row '$l'"; }

# A figure typed by hand: a number of 100 or more, outside the markers,
# that is one of the run's figures. It would not follow the code: name it.
my %by_value;
for my $k (sort keys %fig) {
	next if grep { !exists $src{$_} } key_sources($k);
	# (what the configuration sets is no measurement)
	next if $k =~ /^(memory_ram|least_memory\.vm|density_budget)/;
	# (nor are the fresh install's times and timestamps, which would match
	# unrelated numbers: only its package count and sizes are linted)
	next if $k =~ /^log\.fresh\./ && $k !~ /^log\.fresh\.(packages|download_mb|disk_mb)$/;
	# (nor a power of two: the docs' sizes and counts (256 VMs, 4096
	# bytes, 512 MiB) are, and a figure that lands on one cannot be told
	# from them)
	next if $fig{$k} =~ /^\d+$/ && ($fig{$k} & ($fig{$k} - 1)) == 0;
	$by_value{$fig{$k}} //= $k if $fig{$k} =~ /^\d+(\.\d+)?$/ && $fig{$k} >= 100;
}
sub unmarked {
	my ($where, $line) = @_;
	$line =~ s{<!-- (fig|quote):.+?-->.*?<!-- end -->}{}g;
	while ($line =~ /(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w,]|\.\d)/g) {
		(my $n = $1 . ($2 // '')) =~ s/,//g;
		next unless exists $by_value{$n};
		print "$where: $n is the run's $by_value{$n} but is not generated: put it between markers\n";
		$stale++;
	}
}

for my $file (@files) {
	open my $in, '<', $file or die "docs: cannot read $file\n";
	my @lines = <$in>;
	close $in;
	my @out;
	my $changed = 0;
	my $fenced = 0;    # in a code block (the lint of hand-typed figures skips them)
	for (my $i = 0; $i < @lines; $i++) {
		my $line = $lines[$i];
		my $where = "$file:" . ($i + 1);
		if ($line =~ /^<!-- figures:(.+?) -->\s*$/) {
			my $name = $1;
			my $j = $i + 1;
			$j++ while $j < @lines && $lines[$j] !~ /^<!-- end -->\s*$/;
			if ($j >= @lines) { bad($where, "figures:$name has no <!-- end -->"); push @out, $line; next; }
			my @old = map { my $x = $_; chomp $x; $x } @lines[$i + 1 .. $j - 1];
			my @new = eval { block($name) };
			if ($@) { chomp(my $m = $@); bad($where, "figures:$name: $m"); @new = (); }
			if (!@new) {
				$skipped++ unless $@;
				push @out, @lines[$i .. $j];
			} else {
				$checked++;
				# A log excerpt is named by its log, not by its pattern.
				my $label = $name =~ m{^([a-z-]+) /} ? "$1 excerpt" : $name;
				if (join("\n", @old) ne join("\n", @new)) {
					$changed = 1;
					my $n = @old > @new ? @old : @new;
					for my $k (0 .. $n - 1) {
						my ($o, $f) = ($old[$k] // '(no line)', $new[$k] // '(no line)');
						next if $o eq $f;
						$stale++;
						printf "%s:%d: figures:%s, %s: committed '%s', fresh '%s'\n", $file,
							$i + 2 + $k, $label, row_of($k < @old ? $o : $f), $o, $f;
					}
				}
				push @out, $line, map("$_\n", @new), $lines[$j];
			}
			$i = $j;
			next;
		}
		$line =~ s{<!-- (fig|quote):(.+?) -->(.*?)<!-- end -->}{
			my ($kind, $spec, $old) = ($1, $2, $3);
			my @new = eval { $kind eq 'fig' ? figure($spec) : quote($spec) };
			if ($@) {
				chomp(my $m = $@);
				bad($where, "$kind:$spec: $m");
				@new = ();
			} elsif (!@new) {
				$skipped++;
			} else {
				$checked++;
				if ($new[0] ne $old) {
					$stale++;
					$changed = 1;
					print "$where: $kind:$spec: committed '$old', fresh '$new[0]'\n";
				}
			}
			"<!-- $kind:$spec -->" . (@new ? $new[0] : $old) . "<!-- end -->";
		}ge;
		my $opened = () = $line =~ /<!-- (?:fig|quote):/g;
		my $closed = () = $line =~ /<!-- end -->/g;
		bad($where, "a fig: or quote: marker without its <!-- end --> on the same line")
			if $opened > $closed;
		$fenced = !$fenced if $line =~ /^\s*```/;
		unmarked($where, $line) if $mode eq 'check' && !$fenced;
		push @out, $line;
	}
	if ($mode eq 'write' && $changed) {
		open my $o, '>', "$file.tmp" or die "docs: cannot write $file.tmp\n";
		print $o @out;
		close $o;
		rename "$file.tmp", $file or die "docs: cannot replace $file\n";
		print "docs: wrote $file\n";
	}
}
if ($mode eq 'check') {
	print "docs: $checked generated parts checked, $stale stale, $skipped not checked here (their run was not given)"
		. ($errors ? ", $errors bad markers" : '') . "\n";
} else {
	print "docs: $checked generated parts written from the runs" . ($errors ? ", $errors bad markers" : '') . "\n";
}
# A check that looked at nothing has not checked anything.
exit(($errors || ($mode eq 'check' && ($stale || !$checked))) ? 1 : 0);
